// AUDIT_RETENTION: a duration like the other TTLs, 90 days by default, 0 to keep every row, and a
// configuration error naming the variable for anything else; the server hands it to createAuth.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AUTH_DEFAULTS } from '../../src/core/auth-options.js'
import { ConfigError } from '../../src/core/config.js'
import { authOptionsFromConfig } from '../../src/http/server-options.js'
import { testConfig } from '../helpers.js'

test('AUDIT_RETENTION: default 90 days; durations; 0 keeps every row; nonsense names the variable', () => {
  assert.equal(testConfig().auditRetention, 90 * 86400)
  assert.equal(AUTH_DEFAULTS.auditRetention, 90 * 86400)
  assert.equal(testConfig({ AUDIT_RETENTION: '30d' }).auditRetention, 30 * 86400)
  assert.equal(testConfig({ AUDIT_RETENTION: '2w' }).auditRetention, 14 * 86400)
  assert.equal(testConfig({ AUDIT_RETENTION: '0' }).auditRetention, 0)
  for (const bad of ['forever', '-1', '90 days']) {
    assert.throws(() => testConfig({ AUDIT_RETENTION: bad }), (err: unknown) => err instanceof ConfigError && err.variable === 'AUDIT_RETENTION', bad)
  }
  const config = testConfig({ AUDIT_RETENTION: '12h' })
  assert.equal(authOptionsFromConfig(config).auditRetention, 12 * 3600)
})
