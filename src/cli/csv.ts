// A small RFC 4180 CSV reader for `users import`: quoted fields, "" escapes, CRLF or LF, and
// line breaks inside quotes. Yields each record with the line it starts on.

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number
  cells: string[]
}

/**
 * @example
 * [...parseCsv('id,email\n1,"a@example.com"\n')] // [{ line: 1, cells: ['id', 'email'] }, { line: 2, cells: ['1', 'a@example.com'] }]
 */
export function* parseCsv(text: string): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0 // a byte order mark is not data
  let line = 1
  while (i < text.length) {
    const start = line
    const cells: string[] = []
    let cell = ''
    let quoted = false
    for (;;) {
      if (i >= text.length) {
        cells.push(cell)
        break
      }
      const c = text[i]!
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          cell += '"'
          i += 2
        } else if (c === '"') {
          quoted = false
          i++
        } else {
          if (c === '\n') line++
          cell += c
          i++
        }
      } else if (c === '"' && cell === '') {
        quoted = true
        i++
      } else if (c === ',') {
        cells.push(cell)
        cell = ''
        i++
      } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
        cells.push(cell)
        i += c === '\r' ? 2 : 1
        line++
        break
      } else {
        cell += c
        i++
      }
    }
    // A blank line is no record.
    if (cells.length === 1 && cells[0] === '') continue
    yield { line: start, cells }
  }
}
