// The token settings of parseConfig: defaults (Flask-JWT-Extended's names), algorithms and
// keys, token locations, cookies; every bad value is a ConfigError naming its variable, and key
// material is never echoed.

import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import { ConfigError, parseConfig } from '../../src/core/config.js'
import { generateStoredKey } from '../../src/core/tokens/ring-file.js'

const CWD = '/srv/app'

function variableOf(env: Record<string, string>): string {
  try {
    parseConfig(env, CWD)
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err))
    return err.variable
  }
  assert.fail(`accepted ${JSON.stringify(env).slice(0, 200)}`)
}

test('defaults', () => {
  const c = parseConfig({}, CWD)
  assert.equal(c.algorithm, 'HS256')
  assert.deepEqual(c.tokenLocation, ['headers', 'cookies'], 'the web console (CONSOLE, on by default) signs in with cookies')
  assert.equal(c.headerName, 'Authorization')
  assert.equal(c.headerType, 'Bearer')
  assert.equal(c.queryStringName, 'jwt')
  assert.deepEqual({ ...c.jsonKeys }, { access: 'access_token', refresh: 'refresh_token' })
  assert.equal(c.errorMessageKey, 'message')
  assert.equal(c.keysFile, '/srv/app/data/keys.json')
  assert.equal(c.cookies.accessName, 'access_token_cookie')
  assert.equal(c.cookies.refreshName, 'refresh_token_cookie')
  assert.equal(c.cookies.csrfAccessName, 'csrf_access_token')
  assert.equal(c.cookies.csrfRefreshName, 'csrf_refresh_token')
  assert.equal(c.cookies.csrfHeaderName, 'X-CSRF-TOKEN')
  assert.deepEqual(c.cookies.csrfMethods, ['POST', 'PUT', 'PATCH', 'DELETE'])
  assert.equal(c.cookies.sameSite, 'lax')
  assert.equal(c.cookies.csrfProtect, true)
  assert.equal(c.cookies.secure, false, 'not Secure outside production')
  assert.equal(c.cookies.partitioned, false, 'not Partitioned unless asked')
  assert.equal(parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(32) }, CWD).cookies.secure, true, 'Secure in production')
})

test('JWT_TOKEN_LOCATION: headers,cookies while CONSOLE is on, headers without it; an operator\'s value wins either way', () => {
  assert.deepEqual(parseConfig({ CONSOLE: 'false' }, CWD).tokenLocation, ['headers'])
  assert.deepEqual(parseConfig({ CONSOLE: 'true' }, CWD).tokenLocation, ['headers', 'cookies'])
  assert.deepEqual(parseConfig({ JWT_TOKEN_LOCATION: 'headers' }, CWD).tokenLocation, ['headers'])
  assert.deepEqual(parseConfig({ JWT_TOKEN_LOCATION: 'headers', CONSOLE: 'true' }, CWD).webConsole, true)
  assert.deepEqual(parseConfig({ JWT_TOKEN_LOCATION: 'json', CONSOLE: 'false' }, CWD).tokenLocation, ['json'])
  assert.equal(variableOf({ CONSOLE: 'maybe' }), 'CONSOLE')
})

test('JWT_TOKEN_LOCATION is an ordered list', () => {
  assert.deepEqual(parseConfig({ JWT_TOKEN_LOCATION: 'cookies, headers,JSON' }, CWD).tokenLocation, ['cookies', 'headers', 'json'])
  assert.equal(variableOf({ JWT_TOKEN_LOCATION: 'headers,body' }), 'JWT_TOKEN_LOCATION')
  assert.equal(variableOf({ JWT_TOKEN_LOCATION: 'headers,headers' }), 'JWT_TOKEN_LOCATION')
  assert.equal(variableOf({ JWT_TOKEN_LOCATION: ',' }), 'JWT_TOKEN_LOCATION')
})

test('JWT_ALGORITHM: the seven algorithms, case-sensitive', () => {
  for (const alg of ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA']) assert.equal(parseConfig({ JWT_ALGORITHM: alg }, CWD).algorithm, alg)
  assert.equal(variableOf({ JWT_ALGORITHM: 'none' }), 'JWT_ALGORITHM')
  assert.equal(variableOf({ JWT_ALGORITHM: 'hs256' }), 'JWT_ALGORITHM')
  assert.equal(variableOf({ JWT_ALGORITHM: 'ES512' }), 'JWT_ALGORITHM')
})

test('JWT_PRIVATE_KEY: checked against the algorithm, weak RSA refused, never echoed; \\n escapes accepted', () => {
  const pem = generateStoredKey('ES256', 0).privateKey!
  assert.equal(parseConfig({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: pem.replace(/\n/g, '\\n') }, CWD).jwtPrivateKey, pem)
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  for (const [alg, key] of [['RS256', weak], ['RS256', pem], ['EdDSA', pem], ['ES256', 'not a pem']] as const) {
    try {
      parseConfig({ JWT_ALGORITHM: alg, JWT_PRIVATE_KEY: key }, CWD)
      assert.fail(`${alg} accepted a misfit key`)
    } catch (err) {
      assert.ok(err instanceof ConfigError)
      assert.equal(err.variable, 'JWT_PRIVATE_KEY')
      assert.ok(!err.message.includes(key.split('\n')[1] ?? key), 'the key is not echoed')
    }
  }
  assert.equal(variableOf({ JWT_ALGORITHM: 'HS256', JWT_PRIVATE_KEY: pem }), 'JWT_PRIVATE_KEY')
  assert.equal(variableOf({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: pem, JWT_PRIVATE_KEY_FILE: 'k.pem' }), 'JWT_PRIVATE_KEY_FILE')
  assert.equal(parseConfig({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: 'keys/k.pem' }, CWD).jwtPrivateKeyFile, '/srv/app/keys/k.pem')
})

test('production: asymmetric without a key -> JWT_PRIVATE_KEY; a ring file (JWT_KEYS_FILE) stands in for either key', () => {
  assert.equal(variableOf({ NODE_ENV: 'production', JWT_ALGORITHM: 'RS256' }), 'JWT_PRIVATE_KEY')
  assert.equal(parseConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: '/k.pem' }, CWD).algorithm, 'RS256')
  assert.equal(parseConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'RS256', JWT_KEYS_FILE: '/etc/tw/keys.json' }, CWD).keysFile, '/etc/tw/keys.json')
  assert.equal(parseConfig({ NODE_ENV: 'production', JWT_KEYS_FILE: 'keys.json' }, CWD).jwtSecret, undefined)
  assert.equal(variableOf({ NODE_ENV: 'production' }), 'JWT_SECRET')
})

test('cookie and naming settings', () => {
  const c = parseConfig(
    {
      JWT_COOKIE_SAMESITE: 'Strict',
      JWT_COOKIE_SECURE: 'true',
      JWT_COOKIE_CSRF_PROTECT: 'false',
      JWT_ACCESS_COOKIE_PATH: '/api',
      JWT_REFRESH_COOKIE_PATH: '/auth/refresh',
      JWT_COOKIE_DOMAIN: 'example.com',
      JWT_CSRF_METHODS: 'post, delete',
      JWT_HEADER_TYPE: '',
      JWT_ERROR_MESSAGE_KEY: 'msg',
    },
    CWD,
  )
  assert.equal(c.cookies.sameSite, 'strict')
  assert.equal(c.cookies.secure, true)
  assert.equal(c.cookies.csrfProtect, false)
  assert.equal(c.cookies.accessPath, '/api')
  assert.equal(c.cookies.refreshPath, '/auth/refresh')
  assert.equal(c.cookies.domain, 'example.com')
  assert.deepEqual(c.cookies.csrfMethods, ['POST', 'DELETE'])
  assert.equal(c.headerType, '')
  assert.equal(c.errorMessageKey, 'msg')
  assert.equal(variableOf({ JWT_COOKIE_SAMESITE: 'none' }), 'JWT_COOKIE_SAMESITE')
  assert.equal(parseConfig({ JWT_COOKIE_SAMESITE: 'none', JWT_COOKIE_SECURE: '1' }, CWD).cookies.sameSite, 'none')
  assert.equal(variableOf({ JWT_COOKIE_SAMESITE: 'loose' }), 'JWT_COOKIE_SAMESITE')
  assert.equal(variableOf({ JWT_COOKIE_SECURE: 'maybe' }), 'JWT_COOKIE_SECURE')
  assert.equal(variableOf({ JWT_ACCESS_COOKIE_PATH: 'api' }), 'JWT_ACCESS_COOKIE_PATH')
  assert.equal(variableOf({ JWT_ACCESS_COOKIE_NAME: 'a b' }), 'JWT_ACCESS_COOKIE_NAME')
  assert.equal(variableOf({ JWT_HEADER_NAME: 'X:Y' }), 'JWT_HEADER_NAME')
  assert.equal(variableOf({ JWT_HEADER_TYPE: 'Two words' }), 'JWT_HEADER_TYPE')
  assert.equal(variableOf({ JWT_QUERY_STRING_NAME: 'a&b' }), 'JWT_QUERY_STRING_NAME')
  assert.equal(variableOf({ JWT_CSRF_METHODS: 'POST;GET' }), 'JWT_CSRF_METHODS')
})

test('JWT_COOKIE_PARTITIONED (CHIPS): a boolean that requires JWT_COOKIE_SECURE=true', () => {
  const on = parseConfig({ JWT_COOKIE_PARTITIONED: 'true', JWT_COOKIE_SECURE: 'true', JWT_COOKIE_SAMESITE: 'none' }, CWD).cookies
  assert.deepEqual([on.partitioned, on.secure, on.sameSite], [true, true, 'none'])
  assert.equal(parseConfig({ JWT_COOKIE_PARTITIONED: 'false' }, CWD).cookies.partitioned, false)
  // Secure by default in production, so Partitioned needs nothing else there.
  assert.equal(parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(32), JWT_COOKIE_PARTITIONED: '1' }, CWD).cookies.partitioned, true)
  assert.equal(variableOf({ JWT_COOKIE_PARTITIONED: 'true' }), 'JWT_COOKIE_PARTITIONED', 'not Secure outside production by default')
  assert.equal(variableOf({ JWT_COOKIE_PARTITIONED: 'true', JWT_COOKIE_SECURE: 'false' }), 'JWT_COOKIE_PARTITIONED')
  assert.equal(variableOf({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(32), JWT_COOKIE_PARTITIONED: 'on', JWT_COOKIE_SECURE: 'off' }), 'JWT_COOKIE_PARTITIONED')
  assert.equal(variableOf({ JWT_COOKIE_PARTITIONED: 'maybe', JWT_COOKIE_SECURE: 'true' }), 'JWT_COOKIE_PARTITIONED')
})

test('a cookie domain or path a Set-Cookie header cannot carry is refused at start, not a 500 at login', () => {
  assert.equal(variableOf({ JWT_COOKIE_DOMAIN: 'bad;domain' }), 'JWT_COOKIE_DOMAIN')
  assert.equal(variableOf({ JWT_COOKIE_DOMAIN: 'exa mple.com' }), 'JWT_COOKIE_DOMAIN')
  assert.equal(variableOf({ JWT_ACCESS_COOKIE_PATH: '/caf\u00e9' }), 'JWT_ACCESS_COOKIE_PATH')
  assert.equal(variableOf({ JWT_REFRESH_COOKIE_PATH: '/a\u0000b' }), 'JWT_REFRESH_COOKIE_PATH')
  assert.equal(parseConfig({ JWT_COOKIE_DOMAIN: '.example.com' }, CWD).cookies.domain, '.example.com')
})
