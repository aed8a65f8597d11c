// Receiving the upload form: `POST /upload` as multipart/form-data with `inputFile` (the file) and
// `description`, in either order (the tutorial's form sends the file first). The file is spooled
// to a private temporary file while it is counted and hashed, so memory stays flat whatever its
// size and nothing reaches the database until the whole form has arrived and passed every check.

import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Multipart } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { UploadError } from './errors.js'
import { DESCRIPTION_MAX, FILENAME_MAX, PART_BYTES } from './storage.js'

export interface UploadLimits {
  /** Bytes one file may have (UPLOAD_MAX_SIZE). */
  maxFileBytes: number
  /** Where files are spooled while they arrive. */
  tmpDir: string
}

/** A form that arrived whole and valid; its bytes wait in `path` until `discard()`. */
export interface ReceivedUpload {
  description: string
  filename: string
  contentType: string
  size: number
  sha256: string
  path: string
  /** The bytes, in parts of PART_BYTES (the last one shorter). */
  parts(): AsyncIterable<Buffer>
  /** Removes the temporary file. */
  discard(): Promise<void>
}

/**
 * Room for everything in a form besides the file: the description (at most 4 bytes a character),
 * a few ignored fields, part headers and boundaries. A Content-Length beyond the file limit plus
 * this cannot hold an acceptable form, and is refused before a byte of it is read.
 */
export const FORM_OVERHEAD = 64 * 1024

const MULTIPART_LIMITS = {
  files: 1,
  // description and a few extra fields a client may send (a submit button's name, a CSRF field).
  fields: 8,
  parts: 9,
  // Busboy counts bytes: 4 per character is the most UTF-8 takes. One more, so a value at the
  // limit is told from a longer one (busboy marks it truncated).
  fieldSize: DESCRIPTION_MAX * 4 + 1,
  fieldNameSize: 100,
  headerPairs: 20,
}

// Control characters have no place in a file name (they would reach a Content-Disposition header);
// a description may hold the line breaks and tabs of a textarea.
// eslint-disable-next-line no-control-regex
const FILENAME_BAD = /[\u0000-\u001f\u007f]/
// eslint-disable-next-line no-control-regex
const DESCRIPTION_BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i

/** Characters as MySQL's VARCHAR counts them (code points), not UTF-16 units. */
const length = (s: string) => [...s].length

/** 413 FILE_TOO_LARGE at once when the declared body cannot hold an acceptable form. */
export function checkDeclaredLength(request: FastifyRequest, limits: UploadLimits): void {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > limits.maxFileBytes + FORM_OVERHEAD) throw tooLarge(limits)
}

function tooLarge(limits: UploadLimits): UploadError {
  return new UploadError('FILE_TOO_LARGE', `The file is larger than the ${formatBytes(limits.maxFileBytes, true)} a file may have`)
}

/** `50 MiB`, `2.9 MiB`, `512 bytes`; `exact`: in a unit only when it divides the size (limits are stated exactly). */
export function formatBytes(n: number, exact = false): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size && (!exact || n % size === 0)) return `${Number((n / size).toFixed(1))} ${unit}`
  }
  return n === 1 ? '1 byte' : `${n} bytes`
}

/**
 * Reads the whole form. Throws an UploadError (400, 413, 415) for a form that cannot be stored,
 * after removing whatever was spooled; the caller discards a returned upload when done with it.
 */
export async function receiveUpload(request: FastifyRequest, limits: UploadLimits): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw new UploadError('UNSUPPORTED_MEDIA_TYPE')
  const path = join(limits.tmpDir, `upload-${randomUUID()}`)
  const discard = () => rm(path, { force: true })
  const parts = request.parts({ limits: { ...MULTIPART_LIMITS, fileSize: limits.maxFileBytes } })
  let file: Omit<ReceivedUpload, 'description' | 'parts' | 'discard'> | undefined
  let description: unknown
  let part: Multipart | undefined
  try {
    for (let next = await parts.next(); next.done !== true; next = await parts.next()) {
      part = next.value
      if (part.type === 'field') {
        // Flask's request.form.get answers the first value; other fields are ignored, as there.
        if (part.fieldname === 'description' && description === undefined) {
          if (part.valueTruncated) throw new UploadError('DESCRIPTION_INVALID')
          description = part.value
        }
        continue
      }
      // A browser sends a file input left empty as a part with filename="" and no bytes.
      if (part.fieldname !== 'inputFile' || part.filename === '') throw new UploadError('FILE_REQUIRED')
      if (length(part.filename) > FILENAME_MAX || FILENAME_BAD.test(part.filename)) throw new UploadError('FILENAME_INVALID')
      const hash = createHash('sha256')
      let size = 0
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length
          hash.update(chunk)
          done(null, chunk)
        },
      })
      await pipeline(part.file, count, createWriteStream(path, { flags: 'wx', mode: 0o600 }))
      // Busboy stops at the limit and marks the stream truncated (it skips the rest of the part).
      if (part.file.truncated) throw tooLarge(limits)
      file = {
        filename: part.filename,
        contentType: MIME.test(part.mimetype) ? part.mimetype.toLowerCase() : 'application/octet-stream',
        size,
        sha256: hash.digest('hex'),
        path,
      }
    }
    if (file === undefined) throw new UploadError('FILE_REQUIRED')
    if (typeof description !== 'string' || description.trim() === '') throw new UploadError('DESCRIPTION_REQUIRED')
    if (length(description) > DESCRIPTION_MAX || DESCRIPTION_BAD.test(description)) throw new UploadError('DESCRIPTION_INVALID')
    return { ...file, description, parts: () => readParts(path), discard }
  } catch (err) {
    await discard()
    if (part?.type === 'file') part.file.resume()
    drain(parts)
    throw err
  }
}

/**
 * Reads what is left of a refused form in the background, discarding it, so the answer can go
 * out at once and the connection still reaches the end of the request (a file part nobody reads
 * would stall the parser, and the next request on the connection behind it).
 */
function drain(parts: AsyncIterableIterator<Multipart>): void {
  void (async () => {
    for (let next = await parts.next(); next.done !== true; next = await parts.next()) {
      if (next.value.type === 'file') next.value.file.resume()
    }
  })().catch(() => {})
}

/** The spooled file in PART_BYTES pieces, read one at a time. */
async function* readParts(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r')
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(PART_BYTES)
      let filled = 0
      while (filled < PART_BYTES) {
        const { bytesRead } = await handle.read(buffer, filled, PART_BYTES - filled, null)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      if (filled === 0) return
      yield filled === PART_BYTES ? buffer : buffer.subarray(0, filled)
      if (filled < PART_BYTES) return
    }
  } finally {
    await handle.close()
  }
}
