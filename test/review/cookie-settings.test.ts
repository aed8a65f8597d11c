// Review: cookie attributes the Set-Cookie serializer would refuse are a TypeError when the
// plugin is registered (misuse), not a 500 on the first login that sets a cookie.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { tokenwarden } from '../../src/http/plugin/index.js'
import { TEST_SECRET } from '../helpers.js'

test('plugin: an invalid cookie domain or path is a TypeError at registration', async () => {
  const keys = [{ alg: 'HS256' as const, secret: TEST_SECRET }]
  for (const cookies of [{ domain: 'bad;domain' }, { domain: 'exa mple.com' }, { accessPath: '/caf\u00e9' }, { refreshPath: 'no-slash' }, { accessName: 'a b' }, { csrfRefreshName: 'x;y' }]) {
    const app = Fastify()
    await assert.rejects(async () => { await app.register(tokenwarden, { keys, locations: ['cookies'], cookies }) }, TypeError, JSON.stringify(cookies))
    await app.close()
  }
  const ok = Fastify()
  await ok.register(tokenwarden, { keys, locations: ['cookies'], cookies: { domain: '.example.com', accessPath: '/api' } }).ready()
  await ok.close()
})
