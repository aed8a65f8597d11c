// Request loggers (src/http/logger.ts lazyChildLogger): every line a request writes carries its
// reqId, at whatever level the server runs; lines below the level are not written; a route's
// own logLevel still applies; a request that writes nothing builds no pino child.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import pino from 'pino'
import { lazyChildLogger } from '../../src/http/logger.js'
import { testApp } from '../helpers.js'

const parse = (lines: string[]): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>)

test('at warn: a route warning carries the reqId, info lines are dropped, and two requests have two reqIds', async () => {
  const lines: string[] = []
  const { app } = await testApp({ LOG_LEVEL: 'warn' }, { logStream: { write: (line: string) => void lines.push(line) } })
  app.get('/probe', async (request) => {
    request.log.info('not written at warn')
    request.log.warn({ probe: true }, 'probe warning')
    return { ok: true }
  })
  try {
    for (let i = 0; i < 2; i++) assert.equal((await app.inject({ url: '/probe' })).statusCode, 200)
  } finally {
    await app.close()
  }
  const logged = parse(lines)
  const warnings = logged.filter((l) => l.msg === 'probe warning')
  assert.equal(warnings.length, 2)
  assert.ok(warnings.every((l) => typeof l.reqId === 'string' && l.probe === true && l.level === 40))
  assert.notEqual(warnings[0]!.reqId, warnings[1]!.reqId)
  assert.equal(logged.filter((l) => l.msg === 'not written at warn' || l.msg === 'incoming request').length, 0)
})

test('at info: Fastify\'s request lines carry the reqId of their request', async () => {
  const lines: string[] = []
  const { app } = await testApp({ LOG_LEVEL: 'info' }, { logStream: { write: (line: string) => void lines.push(line) } })
  try {
    assert.equal((await app.inject({ url: '/health' })).statusCode, 200)
  } finally {
    await app.close()
  }
  const logged = parse(lines)
  const incoming = logged.find((l) => l.msg === 'incoming request')
  const completed = logged.find((l) => l.msg === 'request completed')
  assert.ok(incoming !== undefined && completed !== undefined, 'both request lines are written')
  assert.equal(typeof incoming.reqId, 'string')
  assert.equal(incoming.reqId, completed.reqId)
})

test('a route logLevel still lowers the level for that route', async () => {
  const lines: string[] = []
  const { app } = await testApp({ LOG_LEVEL: 'warn' }, { logStream: { write: (line: string) => void lines.push(line) } })
  app.get('/chatty', { logLevel: 'debug' }, async (request) => {
    request.log.debug('debug line')
    return { ok: true }
  })
  try {
    assert.equal((await app.inject({ url: '/chatty' })).statusCode, 200)
  } finally {
    await app.close()
  }
  const debug = parse(lines).find((l) => l.msg === 'debug line')
  assert.ok(debug !== undefined, 'the route-level debug line is written')
  assert.equal(typeof debug.reqId, 'string')
})

test('no pino child is built for a request that writes nothing; one is built on the first written line', () => {
  const lines: string[] = []
  const root = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
  let children = 0
  const counting = new Proxy(root, {
    get(target, prop, receiver) {
      if (prop === 'child') return (...args: Parameters<typeof root.child>) => (children++, target.child(...args))
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
  const log = lazyChildLogger.call(undefined, counting, { reqId: 'req-1' }, {})
  log.info('dropped')
  log.debug('dropped')
  assert.equal(children, 0)
  assert.equal(log.level, 'warn')
  log.error('kept')
  log.warn('kept too')
  assert.equal(children, 1)
  const written = parse(lines)
  assert.deepEqual(written.map((l) => [l.msg, l.reqId]), [['kept', 'req-1'], ['kept too', 'req-1']])
  // lowering the level of the request logger makes it a real child at that level
  log.level = 'debug'
  log.debug('now written')
  assert.equal(parse(lines).at(-1)!.msg, 'now written')
  assert.equal(root.level, 'warn') // the parent is untouched
})
