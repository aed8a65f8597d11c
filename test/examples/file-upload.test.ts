// The file-upload example driven with inject, on SQLite, PostgreSQL and MariaDB: the tutorial's
// login, page and upload; the list and download routes; every route's guard; the upload limits
// (413, 400, 415); nothing stored by a failed upload (the app's refusals, a client that goes
// away mid-upload, a database error mid-transaction); the token masked in every log line; a
// deleted user's files going with the account.

import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { KyselyPlugin } from 'kysely'
import { buildFileUpload, type FileUpload } from '../../examples/file-upload/app.js'
import { DEFAULT_MAX_FILE_BYTES, fileUploadConfig, parseSize, uploadLimits } from '../../examples/file-upload/config.js'
import { DEMO_USER } from '../../examples/file-upload/seed.js'
import { FileStore, PART_BYTES } from '../../examples/file-upload/storage.js'
import { ManualClock } from '../../src/index.js'
import { freshDatabase, needService } from '../support/services.js'

const SECRET = 'file-upload-test-secret-at-least-32-bytes'
const LIMIT = 3 * PART_BYTES + 12_345

/** A multipart/form-data body, as a browser or `curl -F` sends it. */
interface FormPart {
  name: string
  value: string | Buffer
  filename?: string
  type?: string
}

function multipart(parts: FormPart[], boundary = `----tokenwarden${randomBytes(8).toString('hex')}`) {
  const chunks: Buffer[] = []
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`
    const type = p.type ?? (p.filename === undefined ? undefined : 'application/octet-stream')
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n`))
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value) : p.value, Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

interface Target {
  name: string
  options: ReturnType<typeof needService> | Record<string, never>
  open(): Promise<{ url: string; drop(): Promise<void> }>
}

const TARGETS: Target[] = [
  {
    name: 'sqlite',
    options: {},
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'tw-file-upload-db-'))
      return { url: `sqlite:${join(dir, 'file-upload.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
    },
  },
  { name: 'postgres', options: needService('postgres'), open: () => freshDatabase('postgres') },
  { name: 'mysql', options: needService('mysql'), open: () => freshDatabase('mysql') },
]

test('UPLOAD_MAX_SIZE: 50 MiB by default, sizes with units, a ConfigError naming it otherwise', () => {
  assert.equal(uploadLimits({}).maxFileBytes, DEFAULT_MAX_FILE_BYTES)
  assert.equal(DEFAULT_MAX_FILE_BYTES, 52_428_800)
  assert.equal(parseSize('50MiB'), 52_428_800)
  assert.equal(parseSize('50M'), 52_428_800)
  assert.equal(parseSize('50MB'), 50_000_000)
  assert.equal(parseSize('512 KiB'), 524_288)
  assert.equal(parseSize('1048576'), 1_048_576)
  for (const bad of ['lots', '-1', '1.5MiB', '2GiB', '0']) {
    assert.throws(() => uploadLimits({ UPLOAD_MAX_SIZE: bad }), (err: Error) => err.name === 'ConfigError' && /^UPLOAD_MAX_SIZE: /.test(err.message), bad)
  }
  assert.equal(fileUploadConfig({ DATA_DIR: tmpdir(), JWT_SECRET: SECRET }).accessTtl, 20 * 60, "the tutorial's 20-minute token")
})

for (const target of TARGETS) {
  describe(`file-upload on ${target.name}`, { ...target.options }, () => {
    let db: { url: string; drop(): Promise<void> }
    let dataDir: string
    let spool: string
    let clock: ManualClock
    let built: FileUpload
    let app: FastifyInstance
    let logs: string[]
    let token: string

    before(async () => {
      db = await target.open()
      dataDir = mkdtempSync(join(tmpdir(), 'tw-file-upload-'))
      spool = join(dataDir, 'spool')
      mkdirSync(spool)
      clock = new ManualClock(Date.now())
      logs = []
      const logStream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(chunk.toString())
          done()
        },
      })
      const config = fileUploadConfig(
        { DATA_DIR: dataDir, DATABASE_URL: db.url, JWT_SECRET: SECRET, NODE_ENV: 'test', LOG_LEVEL: 'trace', UPLOAD_MAX_SIZE: String(LIMIT), UPLOAD_TMP_DIR: spool, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' },
        dataDir,
      )
      built = await buildFileUpload(config, { clock, logStream, seed: true })
      app = built.app
      token = await login(DEMO_USER.username, DEMO_USER.password)
    })
    after(async () => {
      await app?.close()
      await db?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    })

    async function login(user: string, password: string): Promise<string> {
      const res = await app.inject({ url: '/login', headers: basic(user, password) })
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.headers['cache-control'], 'no-store')
      assert.deepEqual(Object.keys(res.json()), ['token'], "the tutorial's {token}")
      return res.json().token
    }

    const upload = (parts: FormPart[], auth: { query?: string; headers?: Record<string, string> } = { query: token }, form = multipart(parts)) =>
      app.inject({
        method: 'POST',
        url: auth.query === undefined ? '/upload' : `/upload?token=${encodeURIComponent(auth.query)}`,
        headers: { ...form.headers, ...auth.headers },
        payload: form.payload,
      })

    /** The tutorial's form: the file first, then the description. */
    const form = (bytes: Buffer, description: string, filename = 'report.pdf') => [
      { name: 'inputFile', value: bytes, filename, type: 'application/pdf' },
      { name: 'description', value: description },
    ]

    const stored = () => built.files.counts()
    const spooled = () => readdirSync(spool)

    test("GET /login: HTTP Basic against the account; the tutorial's 'Unable to verify' as a 401 with a Basic challenge", async () => {
      for (const headers of [{}, basic(DEMO_USER.username, 'password'), basic('anyone', 'password'), { authorization: 'Basic !!!' }, { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }]) {
        const res = await app.inject({ url: '/login', headers })
        assert.equal(res.statusCode, 401, JSON.stringify(headers))
        assert.match(String(res.headers['www-authenticate']), /^Basic realm="File Upload"/)
        assert.equal(res.json().code, 'INVALID_CREDENTIALS')
        assert.equal(res.json().message, 'Unable to verify')
      }
      // By email too; the token is a tokenwarden access token of a session, with the tutorial's 20 minutes.
      const byEmail = await login(DEMO_USER.email, DEMO_USER.password)
      const claims = await built.auth.sessions.authenticate(byEmail)
      assert.equal(claims.exp - claims.iat, 20 * 60)
      assert.equal(typeof claims.sid, 'string')
    })

    test("GET /: the page needs ?token= ('Token missing', 'Invalid token', with a code); with it, the form carries the token", async () => {
      const missing = await app.inject({ url: '/' })
      assert.equal(missing.statusCode, 401)
      assert.deepEqual(missing.json(), { statusCode: 401, code: 'TOKEN_MISSING', error: 'Unauthorized', message: 'Token missing' })
      const invalid = await app.inject({ url: '/?token=not-a-token' })
      assert.equal(invalid.statusCode, 401)
      assert.equal(invalid.json().message, 'Invalid token')
      assert.equal(invalid.json().code, 'TOKEN_MALFORMED')
      const forged = `${token.slice(0, -4)}AAAA`
      assert.equal((await app.inject({ url: `/?token=${forged}` })).json().code, 'TOKEN_SIGNATURE_INVALID')
      // The page wants the token where the tutorial read it: a header alone does not open it.
      assert.equal((await app.inject({ url: '/', headers: bearer(token) })).json().code, 'TOKEN_MISSING')

      const page = await app.inject({ url: `/?token=${token}` })
      assert.equal(page.statusCode, 200)
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal(page.headers['cache-control'], 'no-store')
      assert.equal(page.headers['referrer-policy'], 'no-referrer')
      assert.match(String(page.headers['content-security-policy']), /form-action 'self'/)
      assert.ok(page.body.includes(`action="/upload?token=${token}"`), 'the form posts the token back')
      assert.match(page.body, /<input type="file" name="inputFile"/)
      assert.match(page.body, /<textarea[^>]*name="description"/)
    })

    test('upload, list and download: the same bytes back, in parts, with either token location', async () => {
      const bytes = randomBytes(2 * PART_BYTES + 777)
      const res = await upload(form(bytes, 'quarterly report'))
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.body, 'file report.pdf uploaded successfully', "the tutorial's answer")
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')

      const list = await app.inject({ url: '/files', headers: bearer(token) })
      assert.equal(list.statusCode, 200)
      const [file] = (list.json() as { id: number; description: string; filename: string; size: number; sha256: string; content_type: string }[]).filter((f) => f.description === 'quarterly report')
      assert.ok(file)
      assert.deepEqual({ ...file, id: 0, created_at: undefined }, {
        id: 0,
        description: 'quarterly report',
        filename: 'report.pdf',
        content_type: 'application/pdf',
        size: bytes.length,
        sha256: sha256(bytes),
        created_at: undefined,
      })

      for (const download of [{ url: `/files/${file.id}?token=${token}` }, { url: `/files/${file.id}`, headers: bearer(token) }]) {
        const got = await app.inject(download)
        assert.equal(got.statusCode, 200)
        assert.ok(got.rawPayload.equals(bytes), 'the same bytes')
        assert.equal(got.headers['content-type'], 'application/octet-stream')
        assert.equal(got.headers['content-length'], String(bytes.length))
        assert.equal(got.headers['content-disposition'], `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`)
        assert.equal(got.headers['x-content-type-options'], 'nosniff')
      }
      // The page lists it, with a download link carrying the token.
      const page = await app.inject({ url: `/?token=${token}` })
      assert.ok(page.body.includes(`href="/files/${file.id}?token=${token}"`))

      // The bytes are in 1 MiB parts, so a MySQL statement stays far below max_allowed_packet.
      const parts = await built.files.db.selectFrom('upload_parts').select(['seq']).where('uploadId', '=', file.id).orderBy('seq').execute()
      assert.deepEqual(parts.map((p) => p.seq), [0, 1, 2])
    })

    test('an empty file, an exact limit, names and descriptions in any script; the description may come first', async () => {
      assert.equal((await upload(form(Buffer.alloc(0), 'empty', 'empty.txt'))).statusCode, 200)
      const exact = randomBytes(LIMIT)
      const description = '😀'.repeat(200) // 200 characters, 800 bytes: the tutorial's String(200)
      const res = await upload([{ name: 'description', value: description }, { name: 'inputFile', value: exact, filename: 'smörgåsbord 報告.bin' }])
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.body, 'file smörgåsbord 報告.bin uploaded successfully')
      const file = (await built.files.list((await built.auth.accounts.findByUsername(DEMO_USER.username))!.id)).find((f) => f.description === description)!
      assert.equal(file.size, LIMIT)
      const got = await app.inject({ url: `/files/${file.id}`, headers: bearer(token) })
      assert.ok(got.rawPayload.equals(exact))
      assert.equal(got.headers['content-disposition'], `attachment; filename="sm_rg_sbord __.bin"; filename*=UTF-8''sm%C3%B6rg%C3%A5sbord%20%E5%A0%B1%E5%91%8A.bin`)
      const empty = (await app.inject({ url: '/files', headers: bearer(token) })).json().find((f: { description: string }) => f.description === 'empty')
      assert.equal((await app.inject({ url: `/files/${empty.id}`, headers: bearer(token) })).rawPayload.length, 0)
    })

    test('every route but /login needs the token; refused uploads store nothing', async () => {
      const before = await stored()
      const bytes = randomBytes(1000)
      for (const auth of [{}, { query: 'garbage' }, { headers: { authorization: 'Bearer garbage' } }, { headers: basic(DEMO_USER.username, DEMO_USER.password) }]) {
        const res = await upload(form(bytes, 'sneaky'), auth)
        assert.equal(res.statusCode, 401, JSON.stringify(auth))
        assert.match(res.json().code, /^TOKEN_/)
      }
      for (const url of ['/files', '/files/1', '/files/1?token=garbage', '/']) assert.equal((await app.inject({ url })).statusCode, 401, url)
      assert.deepEqual(await stored(), before)
      assert.deepEqual(spooled(), [])
    })

    test("tokenwarden's auth routes beside the tutorial's: register at /auth/register, log out at /auth/logout (the ?token= is refused at once)", async () => {
      const account = { email: 'grace@example.com', username: 'grace', password: 'compilers all the way down' }
      const created = await app.inject({ method: 'POST', url: '/auth/register', payload: account })
      assert.equal(created.statusCode, 201, created.body)
      const grace = await login('grace', account.password)
      assert.equal((await app.inject({ url: `/?token=${grace}` })).statusCode, 200)
      const me = await app.inject({ url: '/auth/me', headers: bearer(grace) })
      assert.equal(me.json().username, 'grace')
      assert.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(grace) })).statusCode, 204)
      const after = await app.inject({ url: `/?token=${grace}` })
      assert.equal(after.statusCode, 401)
      assert.equal(after.json().code, 'TOKEN_REVOKED')
      assert.equal(after.json().message, 'Invalid token')
      // The mounted routes answer in tokenwarden's words; the example's own 404 stays.
      assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: account })).statusCode, 409)
      const nowhere = await app.inject({ url: '/nowhere' })
      assert.equal(nowhere.statusCode, 404)
      assert.equal(nowhere.json().code, 'ROUTE_NOT_FOUND')
    })

    test("files are the uploader's own: another account's list is empty, its download 404s like a missing one", async () => {
      await built.auth.accounts.register({ email: 'mallory@example.com', username: 'mallory', password: 'another strong passphrase' })
      const other = await login('mallory', 'another strong passphrase')
      assert.equal((await upload(form(randomBytes(10), 'mine'))).statusCode, 200)
      const mine = (await app.inject({ url: '/files', headers: bearer(token) })).json().find((f: { description: string }) => f.description === 'mine')
      assert.deepEqual((await app.inject({ url: '/files', headers: bearer(other) })).json(), [])
      for (const id of [String(mine.id), '999999', 'abc', '0', '99999999999', '1e3']) {
        const res = await app.inject({ url: `/files/${id}`, headers: bearer(other) })
        assert.equal(res.statusCode, 404, id)
        assert.equal(res.json().code, 'FILE_NOT_FOUND')
      }
      // The same description is another user's to use.
      assert.equal((await upload(form(randomBytes(10), 'mine'), { query: other })).statusCode, 200)
    })

    test('limits: 413 past the file size (counted, or declared), and nothing stored or left spooled', async () => {
      const before = await stored()
      const over = await upload(form(randomBytes(LIMIT + 1), 'too big'))
      assert.equal(over.statusCode, 413)
      assert.equal(over.json().code, 'FILE_TOO_LARGE')
      assert.equal(over.json().message, `The file is larger than the ${LIMIT} bytes a file may have`)
      // A Content-Length no acceptable form can have is refused before the body is read.
      const declared = await app.inject({
        method: 'POST',
        url: `/upload?token=${token}`,
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(LIMIT + 10 * 1024 * 1024) },
        payload: Buffer.alloc(10),
      })
      assert.equal(declared.statusCode, 413)
      assert.equal(declared.json().code, 'FILE_TOO_LARGE')
      assert.deepEqual(await stored(), before)
      assert.deepEqual(spooled(), [])
    })

    test('400 with a code for a form that lacks or garbles a field; nothing stored', async () => {
      const before = await stored()
      const bytes = randomBytes(100)
      const cases: [FormPart[], string][] = [
        [[{ name: 'description', value: 'no file' }], 'FILE_REQUIRED'],
        [[{ name: 'inputFile', value: Buffer.alloc(0), filename: '' }, { name: 'description', value: 'nothing chosen' }], 'FILE_REQUIRED'],
        [[{ name: 'file', value: bytes, filename: 'a.bin' }, { name: 'description', value: 'wrong field' }], 'FILE_REQUIRED'],
        [[{ name: 'inputFile', value: bytes, filename: 'a.bin' }], 'DESCRIPTION_REQUIRED'],
        [form(bytes, '   \n '), 'DESCRIPTION_REQUIRED'],
        [form(bytes, 'x'.repeat(201)), 'DESCRIPTION_INVALID'],
        [form(bytes, 'a\u0000b'), 'DESCRIPTION_INVALID'],
        [form(bytes, 'fine', `${'n'.repeat(256)}`), 'FILENAME_INVALID'],
        [form(bytes, 'fine', 'a\u0007b.txt'), 'FILENAME_INVALID'],
      ]
      for (const [parts, code] of cases) {
        const res = await upload(parts)
        assert.equal(res.statusCode, 400, `${code}: ${res.body}`)
        assert.equal(res.json().code, code)
      }
      // A body cut off mid-part, and a multipart type without a boundary.
      const cut = multipart(form(bytes, 'cut'))
      const truncated = await upload([], { query: token }, { ...cut, payload: cut.payload.subarray(0, 150) })
      assert.equal(truncated.statusCode, 400, truncated.body)
      assert.equal(truncated.json().code, 'FORM_MALFORMED')
      const noBoundary = await app.inject({ method: 'POST', url: `/upload?token=${token}`, headers: { 'content-type': 'multipart/form-data' }, payload: 'x' })
      assert.equal(noBoundary.statusCode, 400)
      assert.equal(noBoundary.json().code, 'FORM_MALFORMED')
      // Too many fields or files: 413 FORM_TOO_LARGE.
      const fields = Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, value: 'x' }))
      assert.equal((await upload([...fields, ...form(bytes, 'many fields')])).json().code, 'FORM_TOO_LARGE')
      const twoFiles = await upload([...form(bytes, 'two files'), { name: 'inputFile', value: bytes, filename: 'b.bin' }])
      assert.equal(twoFiles.statusCode, 413)
      assert.equal(twoFiles.json().code, 'FORM_TOO_LARGE')
      assert.deepEqual(await stored(), before)
      assert.deepEqual(spooled(), [])
    })

    test('415 for any other content type, before a body is parsed', async () => {
      const before = await stored()
      for (const [type, payload] of [
        ['application/json', '{"description": "x"}'],
        ['application/x-www-form-urlencoded', 'description=x'],
        ['text/plain', 'x'],
        ['application/octet-stream', 'x'],
        ['application/json', 'x'.repeat(200_000)], // a JSON parser would answer 413 or 400 first
      ] as const) {
        const res = await app.inject({ method: 'POST', url: `/upload?token=${token}`, headers: { 'content-type': type }, payload })
        assert.equal(res.statusCode, 415, type)
        assert.equal(res.json().code, 'UNSUPPORTED_MEDIA_TYPE')
      }
      assert.equal((await app.inject({ method: 'POST', url: `/upload?token=${token}` })).statusCode, 415, 'no body at all')
      assert.deepEqual(await stored(), before)
    })

    test('409 DESCRIPTION_TAKEN for a second file with the same description; the first stays whole', async () => {
      const first = randomBytes(PART_BYTES + 5)
      assert.equal((await upload(form(first, 'duplicate me'))).statusCode, 200)
      const before = await stored()
      const again = await upload(form(randomBytes(PART_BYTES + 9), 'duplicate me'))
      assert.equal(again.statusCode, 409)
      assert.equal(again.json().code, 'DESCRIPTION_TAKEN')
      assert.deepEqual(await stored(), before)
      const file = (await app.inject({ url: '/files', headers: bearer(token) })).json().find((f: { description: string }) => f.description === 'duplicate me')
      assert.ok((await app.inject({ url: `/files/${file.id}`, headers: bearer(token) })).rawPayload.equals(first))
    })

    test('a database error in the middle of the parts rolls the whole file back', async () => {
      const userId = (await built.auth.accounts.findByUsername(DEMO_USER.username))!.id
      const before = await stored()
      const failing = new FileStore(built.files.db.withPlugin(failOnPart(2)), { name: built.files.dialect, uniqueViolation: () => undefined })
      async function* parts() {
        for (let i = 0; i < 4; i++) yield randomBytes(PART_BYTES)
      }
      await assert.rejects(
        failing.save({ userId, description: 'half written', filename: 'x.bin', contentType: 'application/octet-stream', size: 4 * PART_BYTES, sha256: '0'.repeat(64), parts: parts() }),
        /injected failure/,
      )
      assert.deepEqual(await stored(), before)
    })

    test('a client that goes away mid-upload leaves nothing stored or spooled', async () => {
      const before = await stored()
      const address = await app.listen({ host: '127.0.0.1', port: 0 })
      const { port } = new URL(address)
      const body = multipart(form(randomBytes(2 * PART_BYTES), 'abandoned'))
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST /upload?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${body.headers['content-type']}\r\nContent-Length: ${body.payload.length}\r\n\r\n`)
          socket.write(body.payload.subarray(0, PART_BYTES), () => setTimeout(() => socket.destroy(), 200))
        })
        socket.on('close', () => resolve())
        socket.on('error', reject)
      })
      // The server notices the close, then removes its spool file.
      for (let i = 0; i < 50 && spooled().length > 0; i++) await new Promise((r) => setTimeout(r, 20))
      assert.deepEqual(spooled(), [])
      assert.deepEqual(await stored(), before)
    })

    test('the token never reaches a log line: query strings masked, headers redacted, even at trace level', async () => {
      const mark = 'not-a-real-token-but-secret-looking'
      const from = logs.length
      await app.inject({ url: `/?token=${token}` })
      await app.inject({ url: `/?token=${mark}` })
      await app.inject({ url: `/?TOKEN=${mark}&token=${mark}` })
      await upload(form(randomBytes(10), 'logged upload'))
      await upload(form(randomBytes(10), 'logged upload 2'), { headers: bearer(token) })
      await upload(form(randomBytes(10), 'bad token upload'), { query: mark })
      await app.inject({ url: `/files?token=${token}` })
      await app.inject({ url: '/login', headers: basic(DEMO_USER.username, DEMO_USER.password) })
      const written = logs.slice(from).join('')
      assert.ok(written.includes('"url":"/upload?token=[REDACTED]"'), 'requests are logged, with the token masked')
      assert.ok(written.includes('busboyOptions'), "@fastify/multipart's trace line, which holds the request headers, is there")
      for (const secret of [token, mark, DEMO_USER.password, Buffer.from(`${DEMO_USER.username}:${DEMO_USER.password}`).toString('base64')]) {
        assert.ok(!written.includes(secret), `a log line holds ${secret.slice(0, 12)}...`)
      }
      // Nor does any earlier line of this suite.
      assert.ok(!logs.join('').includes(token))
    })

    test("the token expires after the tutorial's 20 minutes; a deleted account's token and files go", async () => {
      await built.auth.accounts.register({ email: 'temp@example.com', username: 'temp', password: 'a temporary passphrase' })
      const temp = await login('temp', 'a temporary passphrase')
      assert.equal((await upload(form(randomBytes(PART_BYTES + 1), 'temporary'), { query: temp })).statusCode, 200)
      const before = await stored()
      const user = (await built.auth.accounts.findByUsername('temp'))!
      await built.auth.admin.deleteUser(user.id)
      const refused = await app.inject({ url: `/files?token=${temp}` })
      assert.equal(refused.statusCode, 401)
      assert.equal(refused.json().message, 'Invalid token')
      // Its upload and both of its parts went with it (ON DELETE CASCADE onto tokenwarden's users).
      assert.deepEqual(await stored(), { uploads: before.uploads - 1, parts: before.parts - 2 })

      const fresh = await login(DEMO_USER.username, DEMO_USER.password)
      clock.advance(20 * 60 * 1000 - 1000)
      assert.equal((await app.inject({ url: `/?token=${fresh}` })).statusCode, 200)
      clock.advance(1000)
      const expired = await app.inject({ url: `/?token=${fresh}` })
      assert.equal(expired.statusCode, 401)
      assert.equal(expired.json().code, 'TOKEN_EXPIRED')
      assert.equal(expired.json().message, 'Invalid token')
      token = await login(DEMO_USER.username, DEMO_USER.password)
    })
  })
}

/** A Kysely plugin that fails the `n`th insert into upload_parts (counting from 1). */
function failOnPart(n: number): KyselyPlugin {
  let seen = 0
  return {
    transformQuery({ node }) {
      if (node.kind === 'InsertQueryNode' && JSON.stringify(node.into).includes('"upload_parts"') && ++seen === n) throw new Error('injected failure')
      return node
    },
    async transformResult({ result }) {
      return result
    },
  }
}
