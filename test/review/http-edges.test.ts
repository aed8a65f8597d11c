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
