// The dataset the example ships: dataset/regions.csv (NOC code, region name, notes) and
// dataset/events.csv (one row per Paralympic Games, Summer and Winter). An empty cell is an
// unknown value (null): the files hold only figures from public records, and leave a count or
// date empty rather than guess it.

import { readFileSync } from 'node:fs'
import type { EventFields, Region } from './schemas.js'

const DIR = new URL('./dataset/', import.meta.url)

/** RFC 4180 records: quoted cells with "" escapes, LF or CRLF line ends; the first is the header. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  const endCell = () => {
    cells.push(cell)
    cell = ''
  }
  const endRecord = () => {
    endCell()
    records.push(cells)
    cells = []
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"'
      i++
    } else if (c === '"' && (quoted || cell === '')) {
      quoted = !quoted
    } else if (quoted) {
      cell += c
    } else if (c === ',') {
      endCell()
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRecord()
    } else {
      cell += c
    }
  }
  if (cell !== '' || cells.length > 0) endRecord()
  const [header, ...rows] = records
  if (header === undefined) return []
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])))
}

const text = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value)
const count = (value: string | undefined): number | null => (value === undefined || value === '' ? null : Number(value))

export function loadRegions(): Region[] {
  return parseCsv(readFileSync(new URL('regions.csv', DIR), 'utf8')).map((row) => ({ NOC: row.NOC!, region: row.region!, notes: text(row.notes) }))
}

export function loadEvents(): EventFields[] {
  return parseCsv(readFileSync(new URL('events.csv', DIR), 'utf8')).map((row) => ({
    type: row.type as EventFields['type'],
    year: Number(row.year),
    location: row.location!,
    NOC: text(row.NOC),
    start: text(row.start),
    end: text(row.end),
    countries: count(row.countries),
    events: count(row.events),
    sports: count(row.sports),
    participants: count(row.participants),
    male: count(row.male),
    female: count(row.female),
  }))
}
