// Log lines for a person: pino-pretty when NODE_ENV=development and stdout is a terminal, JSON
// otherwise; the redaction of secrets holds in the readable lines too.

import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { pino } from 'pino'
import { loggerOptions, REDACTED, terminalLogStream } from '../../src/http/logger.js'

function terminal(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString()
      done()
    },
  })
  return Object.assign(stream, { isTTY, text: () => text })
}

test('development on a terminal: readable single lines, secrets still redacted', async () => {
  const out = terminal(true)
  const stream = await terminalLogStream('development', out)
  assert.ok(stream !== undefined)
  // As Fastify builds it from loggerOptions(level, stream): pino(options, stream).
  const log = pino(loggerOptions('info'), stream)
  log.info({ access_token: 'secret-token-value', password: 'hunter2-password' }, 'Server listening at http://127.0.0.1:3000')
  // pino-pretty formats in a stream pipeline: the line arrives a few ticks later.
  for (let i = 0; i < 100 && out.text() === ''; i++) await new Promise((r) => setTimeout(r, 10))
  const text = out.text()
  assert.match(text, /INFO.*Server listening at http:\/\/127\.0\.0\.1:3000/)
  assert.doesNotMatch(text, /^\{/, 'not JSON')
  assert.equal(text.trim().split('\n').length, 1, 'one line')
  assert.doesNotMatch(text, /secret-token-value|hunter2-password/)
  assert.ok(text.includes(REDACTED))
})

test('JSON otherwise: production or test on a terminal, development when stdout is not a terminal', async () => {
  assert.equal(await terminalLogStream('production', terminal(true)), undefined)
  assert.equal(await terminalLogStream('test', terminal(true)), undefined)
  assert.equal(await terminalLogStream('development', terminal(false)), undefined)
})
