// Who may scrape GET /metrics: nobody by default (404 ROUTE_NOT_FOUND, as for any unknown path);
// with METRICS_TOKEN only `Bearer <token>` (401 TOKEN_MISSING without one, 401
// METRICS_TOKEN_INVALID for anything else); with METRICS_PORT only clients of 127.0.0.1 on that
// port, never the main port.

import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { freePort } from '../cluster/harness.js'
import { json, testApp } from '../helpers.js'
import { parseExposition } from '../support/exposition.js'

const TOKEN = 'scrape-token-0123456789abcdef'

test('off by default (and with METRICS=false): GET /metrics is 404 ROUTE_NOT_FOUND', async (t) => {
  const { app } = await testApp()
  t.after(() => app.close())
  const res = await app.inject({ url: '/metrics' })
  assert.equal(res.statusCode, 404)
  assert.equal(json(res).code, 'ROUTE_NOT_FOUND')
  const off = await testApp({ METRICS: 'false' })
  t.after(() => off.app.close())
  assert.equal(json(await off.app.inject({ url: '/metrics' })).code, 'ROUTE_NOT_FOUND')
})

test('METRICS_TOKEN: 401 TOKEN_MISSING without Authorization, 401 METRICS_TOKEN_INVALID for a wrong one, 200 with it', async (t) => {
  const { app } = await testApp({ METRICS: 'true', METRICS_TOKEN: TOKEN })
  t.after(() => app.close())
  const scrape = (authorization?: string) => app.inject({ url: '/metrics', headers: authorization === undefined ? {} : { authorization } })

  const missing = await scrape()
  assert.equal(missing.statusCode, 401)
  assert.equal(json(missing).code, 'TOKEN_MISSING')
  assert.equal(missing.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
  for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer ', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, TOKEN]) {
    const res = await scrape(wrong)
    assert.equal(res.statusCode, 401, wrong)
    assert.equal(json(res).code, 'METRICS_TOKEN_INVALID', wrong)
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden", error="invalid_token"')
    assert.ok(!res.body.includes(TOKEN.slice(0, 12)), 'the refusal echoes the token')
  }
  for (const right of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
    const ok = await scrape(right)
    assert.equal(ok.statusCode, 200, right)
    assert.ok(parseExposition(ok.body).families.has('tokenwarden_logins_total'))
    assert.ok(!ok.body.includes(TOKEN), 'the exposition holds the token')
  }
})

/** The machine's first non-loopback IPv4 address, if it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

test('METRICS_PORT: served on 127.0.0.1 at that port only, not on the main port; with METRICS_TOKEN there too', async (t) => {
  const metricsPort = await freePort()
  const lines: string[] = []
  const logStream = new Writable({ write: (chunk: Buffer, _enc, done) => done(void lines.push(chunk.toString())) })
  const { app } = await testApp({ METRICS: 'true', METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN, LOG_LEVEL: 'info' }, { logStream })
  t.after(() => app.close())
  // Listening on every interface, as a server behind a proxy may: metrics still stay on loopback.
  const main = await app.listen({ host: '0.0.0.0', port: 0 })
  const mainPort = Number(new URL(main).port)

  const onMain = await fetch(`http://127.0.0.1:${mainPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(onMain.status, 404)
  assert.equal(((await onMain.json()) as { code: string }).code, 'ROUTE_NOT_FOUND')

  const url = `http://127.0.0.1:${metricsPort}/metrics`
  const unauthorized = await fetch(url)
  assert.equal(unauthorized.status, 401)
  assert.equal(((await unauthorized.json()) as { code: string }).code, 'TOKEN_MISSING')
  const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(ok.status, 200)
  const exposition = parseExposition(await ok.text())
  assert.ok(exposition.families.has('http_request_duration_seconds'))
  // The main port's requests are counted; the metrics port's own scrapes are not among its routes.
  assert.ok(exposition.samples.some((s) => s.name === 'http_request_duration_seconds_count' && s.labels.route === 'unmatched'))
  const other = await fetch(`http://127.0.0.1:${metricsPort}/elsewhere`)
  assert.equal(((await other.json()) as { code: string }).code, 'ROUTE_NOT_FOUND')

  const outside = outsideAddress()
  if (outside === undefined) t.diagnostic('no non-loopback IPv4 address on this machine: the outside connection was not tried')
  else {
    assert.equal(await accepts(outside, mainPort), true, `the main port answers on ${outside}`)
    assert.equal(await accepts(outside, metricsPort), false, `the metrics port must refuse connections to ${outside}`)
  }
  const logged = lines.join('')
  assert.match(logged, new RegExp(`"msg":"Metrics at http://127\\.0\\.0\\.1:${metricsPort}/metrics"`))
  assert.ok(!logged.includes(TOKEN), 'a log line holds the metrics token')
})

test('METRICS_PORT alone: no token asked on loopback; the port is closed with the app', async () => {
  const metricsPort = await freePort()
  const { app } = await testApp({ METRICS: 'true', METRICS_PORT: String(metricsPort) })
  await app.ready()
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  await app.close()
  assert.equal(await accepts('127.0.0.1', metricsPort), false)
})

test('METRICS_PORT taken: the app fails to start rather than run without its metrics', async (t) => {
  const metricsPort = await freePort()
  const { app: first } = await testApp({ METRICS: 'true', METRICS_PORT: String(metricsPort) })
  t.after(() => first.close())
  await first.ready()
  const { app: second } = await testApp({ METRICS: 'true', METRICS_PORT: String(metricsPort) })
  t.after(() => second.close())
  await assert.rejects(async () => second.ready(), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE')
})
