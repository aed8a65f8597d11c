// A horizontal bar chart as a plain SVG string: panels of bars scaled to a ratio (1.0 = the
// limit), a dashed target line, and the absolute number printed beside each bar. No library.

export type BarKind = 'tokenwarden' | 'limit' | 'peer'

export interface Bar {
  label: string
  /** Ratio to the panel's limit; bars past `max` are clipped with an arrow. */
  ratio: number
  /** Printed after the bar, e.g. "41,203 req/s". */
  display: string
  kind: BarKind
}

export interface Panel {
  title: string
  /** The axis end, in ratio units. */
  max: number
  targets?: { ratio: number; label: string }[]
  bars: Bar[]
}

const COLORS: Record<BarKind, string> = { tokenwarden: '#2563eb', limit: '#9ca3af', peer: '#f59e0b' }
const WIDTH = 960
const LABEL_W = 360
const BAR_W = 380
const ROW = 20
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const n = (x: number): string => x.toFixed(1)

/** Renders panels top to bottom into one SVG document. */
export function barChart(title: string, subtitle: string, panels: readonly Panel[]): string {
  const out: string[] = []
  let y = 64
  for (const p of panels) {
    out.push(`<text x="12" y="${y}" font-size="15" font-weight="bold">${esc(p.title)}</text>`)
    y += 14
    const top = y
    const scale = BAR_W / p.max
    for (const b of p.bars) {
      const w = Math.max(1, Math.min(p.max, b.ratio) * scale)
      const clipped = b.ratio > p.max
      out.push(`<text x="${LABEL_W - 8}" y="${n(y + 14)}" font-size="12" text-anchor="end">${esc(b.label)}</text>`)
      out.push(`<rect x="${LABEL_W}" y="${n(y + 3)}" width="${n(w)}" height="${ROW - 6}" fill="${COLORS[b.kind]}"/>`)
      const note = `${b.display} (${b.ratio.toFixed(2)}×)${clipped ? ' ▶' : ''}`
      out.push(`<text x="${n(LABEL_W + w + 6)}" y="${n(y + 14)}" font-size="11" fill="#374151">${esc(note)}</text>`)
      y += ROW
    }
    const axis = (v: number, label: string, dash: boolean, color: string, line: number): void => {
      const x = LABEL_W + v * scale
      out.push(`<line x1="${n(x)}" y1="${top}" x2="${n(x)}" y2="${y + 2 + line * 12}" stroke="${color}" stroke-width="1"${dash ? ' stroke-dasharray="4 3"' : ''}/>`)
      out.push(`<text x="${n(x)}" y="${y + 13 + line * 12}" font-size="10" text-anchor="middle" fill="${color}">${esc(label)}</text>`)
    }
    axis(1, '1.0 = limit', false, '#6b7280', 0)
    ;(p.targets ?? []).forEach((t, i) => axis(t.ratio, t.label, true, '#dc2626', i + 1))
    y += 34 + (p.targets?.length ?? 0) * 12
  }
  const legend = (['tokenwarden', 'limit', 'peer'] as const)
    .map((k, i) => `<rect x="${12 + i * 130}" y="${y - 8}" width="10" height="10" fill="${COLORS[k]}"/><text x="${26 + i * 130}" y="${y + 1}" font-size="12">${k}</text>`)
    .join('')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 16}" viewBox="0 0 ${WIDTH} ${y + 16}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="17" font-weight="bold">${esc(title)}</text>`,
    `<text x="12" y="38" font-size="11" fill="#4b5563">${esc(subtitle)}</text>`,
    ...out,
    legend,
    '</svg>',
    '',
  ].join('\n')
}
