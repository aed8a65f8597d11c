// The progress bar of `users import`, drawn with cli-progress on standard error, and only when
// that is a terminal: piped or redirected output (CI logs, `2> file`) gets no bar and no
// control characters. It is cleared when the import ends, before the report is printed.

/** Where the bar may be drawn: drawn only when `isTTY` is true. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean }

export interface Progress {
  /** One more record done. */
  tick(): void
  /** Clears the bar (and shows the cursor again). */
  stop(): void
}

const NO_PROGRESS: Progress = { tick: () => {}, stop: () => {} }

/**
 * A bar counting up to `total` records; a no-op when `stream` is not a terminal or the total is
 * unknown or zero.
 *
 * @example
 * const progress = await progressBar(source.total, process.stderr)
 * await importUsers(ctx, source.records, { onRecord: progress.tick })
 * progress.stop()
 */
export async function progressBar(total: number | undefined, stream: ProgressStream): Promise<Progress> {
  if (stream.isTTY !== true || total === undefined || !(total > 0)) return NO_PROGRESS
  // Loaded only for a terminal (a plain-JavaScript dependency, bundled into the command).
  const { default: cliProgress } = await import('cli-progress')
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'Importing users [{bar}] {percentage}% | {value}/{total} rows | ETA {eta_formatted}',
      clearOnComplete: true,
      hideCursor: true,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(total, 0)
  let done = 0
  return {
    tick() {
      // A live database may gain rows during the import: the total follows.
      if (++done > total) bar.setTotal(done)
      bar.increment()
    },
    stop: () => bar.stop(),
  }
}
