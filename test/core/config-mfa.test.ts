// MFA_REQUIRED_ROLES: none by default, a comma-separated list (spaces and repeats dropped), a
// bad role name refused naming the variable; parseConfig carries it.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, parseConfig } from '../../src/core/config.js'
import { parseMfaConfig } from '../../src/core/config-mfa.js'

test('MFA_REQUIRED_ROLES: none by default; a list, trimmed, without repeats', () => {
  assert.deepEqual(parseMfaConfig({}), { mfaRequiredRoles: [] })
  assert.deepEqual(parseMfaConfig({ MFA_REQUIRED_ROLES: '' }), { mfaRequiredRoles: [] })
  assert.deepEqual(parseMfaConfig({ MFA_REQUIRED_ROLES: 'admin' }), { mfaRequiredRoles: ['admin'] })
  assert.deepEqual(parseMfaConfig({ MFA_REQUIRED_ROLES: ' admin, ops ,admin,' }), { mfaRequiredRoles: ['admin', 'ops'] })
  assert.deepEqual(parseConfig({ MFA_REQUIRED_ROLES: 'admin' }, '/srv').mfaRequiredRoles, ['admin'])
})

test('MFA_REQUIRED_ROLES: a role name the admin API would refuse is a ConfigError naming the variable', () => {
  for (const bad of ['ad min', 'admin;drop', 'x'.repeat(65)]) {
    assert.throws(() => parseMfaConfig({ MFA_REQUIRED_ROLES: bad }), (err: unknown) => err instanceof ConfigError && err.variable === 'MFA_REQUIRED_ROLES', bad)
  }
})
