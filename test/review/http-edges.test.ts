// Review: HTTP edge cases found in the security review, each asserting the code it answers.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { json, testApp } from '../helpers.js'

test('a malformed URL answers under JWT_ERROR_MESSAGE_KEY too, like every other error', async () => {
  const { app } = await testApp({ JWT_ERROR_MESSAGE_KEY: 'msg' })
  const res = await app.inject({ method: 'GET', url: '/users/%E0%A4%A' })
  assert.equal(res.statusCode, 400)
  const body = json(res)
  assert.equal(body.code, 'VALIDATION_FAILED')
  assert.equal(typeof body.msg, 'string')
  assert.equal(body.message, undefined)
  await app.close()
})

test('a token in a percent-encoded query parameter name (?%6Awt=) is masked in the log like ?jwt=', async () => {
  const lines: string[] = []
  const { app } = await testApp(
    { LOG_LEVEL: 'info', JWT_TOKEN_LOCATION: 'headers,query_string' },
    { logStream: { write: (line: string) => void lines.push(line) } },
  )
  await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  const access = json<{ access_token: string }>(login).access_token
  const res = await app.inject({ url: `/auth/me?%6Awt=${access}` })
  assert.equal(res.statusCode, 200, 'the query parser decodes the name, so the token is accepted')
  const signature = access.split('.')[2]!
  await app.close()
  for (const line of lines) assert.ok(!line.includes(signature), `a log line holds the token: ${line.slice(0, 160)}`)
})
