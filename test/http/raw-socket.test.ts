// Requests the HTTP parser or the Node server refuse before Fastify routes them still answer
// `{ statusCode, code, error, message }` with a registry code and close the connection; and no
// connection is left hanging (a keep-alive request that asked to upgrade). Spoken over raw
// sockets, since app.inject() never reaches the parser.

import assert from 'node:assert/strict'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { after, before, test } from 'node:test'
import type { ErrorCode } from '../../src/core/errors.js'
import { testApp, type TestApp } from '../helpers.js'

let t: TestApp
let port: number
before(async () => {
  t = await testApp()
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  port = (t.app.server.address() as AddressInfo).port
})
after(() => t.app.close())

interface Exchange {
  /** Everything the server sent, as latin1 text. */
  raw: string
  /** Whether the server closed the connection before the wait ran out. */
  closed: boolean
}

/**
 * Writes the chunks 150 ms apart (so a later one is a new request on a kept-alive connection),
 * then collects what comes back until the server closes or `waitMs` passes.
 */
function exchange(chunks: (string | Buffer)[], { waitMs = 2000, portOf = () => port } = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket: Socket = connect(portOf(), '127.0.0.1')
    const received: Buffer[] = []
    let done = false
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ raw: Buffer.concat(received).toString('latin1'), closed })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (data) => received.push(data))
    socket.on('end', () => finish(true))
    socket.on('close', () => finish(true))
    // The server may close while we are still writing (a header over the limit): what it sent counts.
    socket.on('error', () => undefined)
    socket.once('connect', async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 150))
        if (!socket.destroyed) socket.write(chunk)
      }
    })
  })
}

interface Response {
  status: number
  headers: Record<string, string>
  body: string
}

/** Splits raw HTTP/1.1 responses (Content-Length framed) into their parts. */
function parseResponses(raw: string): Response[] {
  const out: Response[] = []
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n')
    assert.ok(end >= 0, `an incomplete response: ${JSON.stringify(rest.slice(0, 200))}`)
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n')
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1])
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    out.push({ status, headers, body: rest.slice(end + 4, end + 4 + length) })
    rest = rest.slice(end + 4 + length)
  }
  return out
}

/** One coded JSON error, and the connection closed after it. */
function assertCodedClose(ex: Exchange, status: number, code: ErrorCode, messageKey = 'message'): void {
  assert.ok(ex.closed, `the server closed the connection; got ${JSON.stringify(ex.raw.slice(0, 300))}`)
  const responses = parseResponses(ex.raw)
  assert.equal(responses.length, 1, ex.raw)
  const res = responses[0]!
  assert.equal(res.status, status, ex.raw)
  assert.match(res.headers['content-type'] ?? '', /^application\/json/)
  assert.equal(res.headers.connection?.toLowerCase(), 'close')
  const body = JSON.parse(res.body) as Record<string, unknown>
  assert.equal(body.code, code, res.body)
  assert.equal(body.statusCode, status)
  assert.equal(typeof body.error, 'string')
  assert.equal(typeof body[messageKey], 'string')
}

const MALFORMED: [string, string | Buffer][] = [
  ['an unknown method', 'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a lowercase method', 'get /health HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a bad chunk size', 'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
  ['Content-Length with Transfer-Encoding', 'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}'],
  ['two Content-Length headers', 'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}'],
  ['a NUL in a header', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n'],
  ['raw non-ASCII in the URL', Buffer.concat([Buffer.from('GET /he'), Buffer.from([0xff, 0xe9]), Buffer.from('alth HTTP/1.1\r\nHost: x\r\n\r\n')])],
  ['HTTP/1.2', 'GET /health HTTP/1.2\r\nHost: x\r\n\r\n'],
]

for (const [name, request] of MALFORMED) {
  test(`${name} -> 400 MALFORMED_REQUEST, and the connection closes`, async () => {
    assertCodedClose(await exchange([request]), 400, 'MALFORMED_REQUEST')
  })
}

test('headers over the limit -> 431 HEADERS_TOO_LARGE, and the connection closes', async () => {
  const big = `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`
  assertCodedClose(await exchange([big]), 431, 'HEADERS_TOO_LARGE')
})

test('an Expect other than 100-continue -> 417 EXPECTATION_FAILED, and the connection closes; 100-continue still works', async () => {
  assertCodedClose(await exchange(['GET /health HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n']), 417, 'EXPECTATION_FAILED')
  // 100-continue is still honoured.
  const ex = await exchange(['POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n', '{}'])
  assert.match(ex.raw, /^HTTP\/1\.1 100 Continue\r\n\r\n/)
  assert.match(ex.raw, /HTTP\/1\.1 400 Bad Request/)
  assert.match(ex.raw, /"code":"VALIDATION_FAILED"/)
})

test('an HTTP/1.1 request without Host -> 400 HOST_REQUIRED, and the connection closes', async () => {
  assertCodedClose(await exchange(['GET /health HTTP/1.1\r\n\r\n']), 400, 'HOST_REQUIRED')
  // HTTP/1.0 has no Host requirement (RFC 9112 §3.2 applies to 1.1).
  const old = parseResponses((await exchange(['GET /health HTTP/1.0\r\n\r\n'])).raw)
  assert.equal(old[0]?.status, 200)
})

test('a malformed request after a good one on a keep-alive connection is answered too', async () => {
  const ex = await exchange(['GET /health HTTP/1.1\r\nHost: x\r\n\r\n', 'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n'])
  assert.ok(ex.closed)
  const [first, second] = parseResponses(ex.raw)
  assert.equal(first?.status, 200)
  assert.equal(second?.status, 400)
  assert.equal((JSON.parse(second!.body) as { code: string }).code, 'MALFORMED_REQUEST')
})

for (const upgrade of ['foo', 'websocket']) {
  test(`a keep-alive request asking to upgrade (${upgrade}) is answered with Connection: close; nothing hangs`, async () => {
    const first = `GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: ${upgrade}\r\n\r\n`
    const ex = await exchange([first, 'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n'])
    assert.ok(ex.closed, `the connection was left open: ${JSON.stringify(ex.raw.slice(0, 300))}`)
    const responses = parseResponses(ex.raw)
    assert.equal(responses[0]?.status, 200)
    assert.equal(responses[0]?.headers.connection?.toLowerCase(), 'close')
  })
}

test('a request that never finishes its headers -> 408 REQUEST_TIMEOUT', async () => {
  // Node raises ERR_HTTP_REQUEST_TIMEOUT from a 30 s sweep; hand the same error to the server directly.
  const server = t.app.server
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve))
  const pending = exchange(['GET /health HTTP/1.1\r\nHost: x\r\n'])
  const socket = await accepted
  await new Promise((r) => setTimeout(r, 50))
  server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket)
  assertCodedClose(await pending, 408, 'REQUEST_TIMEOUT')
})

test('JWT_ERROR_MESSAGE_KEY applies to the answers written before routing', async () => {
  const other = await testApp({ JWT_ERROR_MESSAGE_KEY: 'msg' })
  await other.app.listen({ port: 0, host: '127.0.0.1' })
  const portOf = (): number => (other.app.server.address() as AddressInfo).port
  try {
    assertCodedClose(await exchange(['FOO /health HTTP/1.1\r\nHost: x\r\n\r\n'], { portOf }), 400, 'MALFORMED_REQUEST', 'msg')
    assertCodedClose(await exchange(['GET /health HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n'], { portOf }), 417, 'EXPECTATION_FAILED', 'msg')
    assertCodedClose(await exchange(['GET /health HTTP/1.1\r\n\r\n'], { portOf }), 400, 'HOST_REQUIRED', 'msg')
  } finally {
    await other.app.close()
  }
})
