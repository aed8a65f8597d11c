// CORS_ORIGINS and CORS_MAX_AGE: exact origins only (no `*`, no path, no pattern), normalized as
// browsers send them, and ConfigError naming the variable for anything else.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, parseConfig } from '../../src/core/config.js'
import { parseCorsConfig } from '../../src/core/config-cors.js'

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env, '/srv/app')
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`)
    return err
  }
  assert.fail(`parseConfig accepted ${JSON.stringify(env)}`)
}

test('defaults: no origins (no CORS at all), preflights cached 600 s', () => {
  const c = parseConfig({}, '/srv/app')
  assert.deepEqual(c.corsOrigins, [])
  assert.equal(c.corsMaxAge, 600)
  assert.deepEqual(parseCorsConfig({ CORS_ORIGINS: '  ' }).corsOrigins, [])
  assert.deepEqual(parseCorsConfig({ CORS_ORIGINS: ' , ' }).corsOrigins, [])
})

test('a comma separated list, trimmed, serialized as the Origin header is (lower-case host, no default port)', () => {
  const c = parseConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,https://Admin.Example.COM:443, http://[::1]:8080' }, '/srv/app')
  assert.deepEqual(c.corsOrigins, ['https://app.example.com', 'http://localhost:5173', 'https://admin.example.com', 'http://[::1]:8080'])
  assert.ok(Object.isFrozen(c.corsOrigins))
  assert.deepEqual(parseCorsConfig({ CORS_ORIGINS: 'http://127.0.0.1:80' }).corsOrigins, ['http://127.0.0.1'])
})

test('* is refused, alone or in the list, and the message says why (credentials)', () => {
  for (const v of ['*', 'https://app.example.com,*', 'null']) {
    const err = configError({ CORS_ORIGINS: v })
    assert.equal(err.variable, 'CORS_ORIGINS', v)
    assert.match(err.message, /^CORS_ORIGINS: /)
    assert.match(err.message, /credential/)
  }
  assert.equal(configError({ CORS_ORIGINS: 'https://*.example.com' }).variable, 'CORS_ORIGINS')
})

test('anything but a bare http(s) origin names CORS_ORIGINS', () => {
  const bad = [
    'https://app.example.com/', // trailing slash
    'https://app.example.com/app', // path
    'https://app.example.com?x=1',
    'https://app.example.com#top',
    'https://user:pw@app.example.com', // credentials
    'app.example.com', // no scheme
    'https:app.example.com', // new URL would forgive this one
    'not a url',
    'https://exa mple.com',
    'https://app.example.com:99999',
    'ftp://files.example.com',
    'chrome-extension://abcdef',
    'https://app.example.com,https://APP.example.com', // the same origin twice
  ]
  for (const v of bad) assert.equal(configError({ CORS_ORIGINS: v }).variable, 'CORS_ORIGINS', v)
})

test('CORS_MAX_AGE: seconds or a duration, 0 allowed (no caching), nonsense names the variable', () => {
  assert.equal(parseConfig({ CORS_MAX_AGE: '10m' }, '/srv/app').corsMaxAge, 600)
  assert.equal(parseConfig({ CORS_MAX_AGE: '7200' }, '/srv/app').corsMaxAge, 7200)
  assert.equal(parseConfig({ CORS_MAX_AGE: '0' }, '/srv/app').corsMaxAge, 0)
  assert.equal(configError({ CORS_MAX_AGE: '-1' }).variable, 'CORS_MAX_AGE')
  assert.equal(configError({ CORS_MAX_AGE: 'soon' }).variable, 'CORS_MAX_AGE')
})
