// Where `users import` reads accounts from: what every source gives (its records, how many when
// known, a close), the error for a source that cannot be read at all, and the two file formats:
// JSONL (one JSON object a line) and CSV (a header row naming the fields). Database tables are
// read by import-database.ts.

import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { ImportRecord } from '../core/accounts/import.js'
import { parseCsv } from './csv.js'

/** A source that cannot be read at all: a usage error (exit 2), not a refused row. */
export class SourceError extends Error {}

export interface ImportSource {
  records: Iterable<ImportRecord> | AsyncIterable<ImportRecord>
  /** How many records there are, when known before reading them (for the progress bar). */
  total: number | undefined
  close(): Promise<void>
}

/**
 * A JSONL or CSV export: id, email, username?, password_hash (or password), roles?, created_at?.
 *
 * @example
 * const source = fileSource('users.csv', undefined) // source.total: the number of data rows
 */
export function fileSource(path: string, format: string | undefined): ImportSource {
  const kind = format ?? { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' }[extname(path).toLowerCase()]
  if (kind !== 'jsonl' && kind !== 'csv') throw new SourceError('the file must end in .jsonl or .csv, or give --format jsonl|csv')
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new SourceError(`cannot read ${JSON.stringify(path)}`)
  }
  // The whole file is in memory already; its records are a small addition, and give the total.
  const records = [...(kind === 'jsonl' ? jsonlRecords(text) : csvRecords(text))]
  return { records, total: records.length, close: async () => {} }
}

function* jsonlRecords(text: string): Generator<ImportRecord> {
  let row = 0
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue
    let fields: unknown
    try {
      fields = JSON.parse(lines[i]!)
    } catch {
      fields = undefined
    }
    // Refused by number; its content is never shown.
    const ok = typeof fields === 'object' && fields !== null && !Array.isArray(fields)
    yield ok ? { row: ++row, line: i + 1, fields: fields as Record<string, unknown> } : { row: ++row, line: i + 1, fields: {}, problem: 'line is not a JSON object' }
  }
}

function csvRecords(text: string): Iterable<ImportRecord> {
  const all = parseCsv(text)
  const header = all.next()
  if (header.done === true) return []
  const names = header.value.cells.map((c) => c.trim().toLowerCase())
  const missing = ['id', 'email'].filter((c) => !names.includes(c))
  if (!names.includes('password_hash') && !names.includes('password')) missing.push('password_hash')
  if (missing.length > 0) throw new SourceError(`the CSV header lacks column(s): ${missing.join(', ')}`)
  return (function* () {
    let row = 0
    for (const record of all) {
      const fields: Record<string, string> = {}
      names.forEach((name, i) => {
        if (record.cells[i] !== undefined) fields[name] = record.cells[i]!
      })
      yield { row: ++row, line: record.line, fields }
    }
  })()
}
