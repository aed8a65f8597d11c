// METRICS, METRICS_TOKEN and METRICS_PORT: off by default; nonsense refused with a ConfigError
// naming the variable (never echoing the token): settings for metrics without METRICS, an open
// endpoint in production, a short token, METRICS_PORT equal to PORT, several workers.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, parseConfig } from '../../src/core/config.js'
import { checkMetricsWorkers, MIN_METRICS_TOKEN } from '../../src/core/config-metrics.js'

const SECRET = { JWT_SECRET: 'a-production-secret-of-at-least-32-bytes!!' }
const TOKEN = 'metrics-token-0123456789abcdef'

/** Asserts parseConfig refuses `env` with a ConfigError naming `variable`, and returns it. */
function refuses(env: Record<string, string>, variable: string): ConfigError {
  let thrown: unknown
  const named = (err: unknown) => ((thrown = err), err instanceof ConfigError && err.variable === variable)
  assert.throws(() => parseConfig(env, '/srv/app'), named, `${JSON.stringify(env)} should be refused naming ${variable}`)
  return thrown as ConfigError
}

test('off by default; METRICS=false keeps it off whatever else is set', () => {
  const c = parseConfig({}, '/srv/app')
  assert.deepEqual([c.metrics, c.metricsToken, c.metricsPort], [false, undefined, undefined])
  const off = parseConfig({ METRICS: 'false', METRICS_TOKEN: TOKEN, METRICS_PORT: '9464' }, '/srv/app')
  assert.deepEqual([off.metrics, off.metricsToken, off.metricsPort], [false, undefined, undefined])
})

test('METRICS=true: open outside production, a token, a loopback port, or both', () => {
  const open = parseConfig({ METRICS: 'true' }, '/srv/app')
  assert.deepEqual([open.metrics, open.metricsToken, open.metricsPort], [true, undefined, undefined])
  const prod = { NODE_ENV: 'production', METRICS: 'true', ...SECRET }
  assert.equal(parseConfig({ ...prod, METRICS_TOKEN: TOKEN }, '/srv/app').metricsToken, TOKEN)
  assert.equal(parseConfig({ ...prod, METRICS_PORT: '9464' }, '/srv/app').metricsPort, 9464)
  const both = parseConfig({ ...prod, METRICS_PORT: '9464', METRICS_TOKEN: TOKEN }, '/srv/app')
  assert.deepEqual([both.metricsPort, both.metricsToken], [9464, TOKEN])
  assert.equal(parseConfig({ METRICS: 'yes', METRICS_PORT: '0' }, '/srv/app').metricsPort, 0)
})

test('production with neither a token nor a port: METRICS_TOKEN is required', () => {
  const err = refuses({ NODE_ENV: 'production', METRICS: 'true', ...SECRET }, 'METRICS_TOKEN')
  assert.match(err.message, /required with METRICS=true in production/)
})

test('each refusal names its variable and never echoes the token', () => {
  const cases: [Record<string, string>, string][] = [
    [{ METRICS_TOKEN: TOKEN }, 'METRICS'],
    [{ METRICS_PORT: '9464' }, 'METRICS'],
    [{ METRICS: 'maybe' }, 'METRICS'],
    [{ METRICS: 'true', METRICS_TOKEN: 'short-secret' }, 'METRICS_TOKEN'],
    [{ METRICS: 'true', METRICS_TOKEN: 'has spaces in it, which Bearer cannot carry' }, 'METRICS_TOKEN'],
    [{ METRICS: 'true', METRICS_PORT: 'ninety' }, 'METRICS_PORT'],
    [{ METRICS: 'true', METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ METRICS: 'true', METRICS_PORT: '3000' }, 'METRICS_PORT'],
    [{ METRICS: 'true', PORT: '8080', METRICS_PORT: '8080' }, 'METRICS_PORT'],
    [{ METRICS: 'true', WORKERS: '2' }, 'WORKERS'],
  ]
  for (const [env, variable] of cases) {
    const err = refuses(env, variable)
    assert.ok(err.message.startsWith(`${variable}: `), err.message)
    if (env.METRICS_TOKEN !== undefined) assert.ok(!err.message.includes(env.METRICS_TOKEN), err.message)
  }
  refuses({ METRICS: 'true', METRICS_TOKEN: 'x'.repeat(MIN_METRICS_TOKEN - 1) }, 'METRICS_TOKEN')
  assert.equal(parseConfig({ METRICS: 'true', METRICS_TOKEN: 'x'.repeat(MIN_METRICS_TOKEN) }, '/srv/app').metricsToken?.length, MIN_METRICS_TOKEN)
})

test('serve --workers N is checked the same way as WORKERS', () => {
  const config = parseConfig({ METRICS: 'true' }, '/srv/app')
  assert.throws(() => checkMetricsWorkers(config, 4, '--workers'), (err: unknown) => err instanceof ConfigError && err.variable === '--workers')
  checkMetricsWorkers(config, 1, '--workers')
  checkMetricsWorkers(parseConfig({}, '/srv/app'), 4, '--workers')
})
