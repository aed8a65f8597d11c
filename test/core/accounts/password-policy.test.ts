// The password rules at the core: NFC normalization on every path a password enters, lone
// surrogates refused where a password is set and never matching at login, the strength rules
// (common list, whitespace, own email or username) only where a password is set, and
// PASSWORD_MIN_LENGTH.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { passwordWeakness } from '../../../src/core/accounts/password-policy.js'
import { normalizePassword, passwordProblem } from '../../../src/core/accounts/rules.js'
import { ConfigError, parseConfig } from '../../../src/core/config.js'
import { commonPasswords } from '../../../src/core/passwords/common.js'
import { contextOf } from '../../../src/core/auth.js'
import { coreAuth } from '../../helpers.js'

// "Crème brûlée 42" composed (NFC) and decomposed (NFD): the same text, different code points.
const NFC = 'Cr\u00e8me br\u00fbl\u00e9e 42'
const NFD = NFC.normalize('NFD')
const login = (auth: ReturnType<typeof coreAuth>['auth'], password: string, email = 'ada@example.com') => auth.accounts.login({ email, password })

test('NFC and NFD forms differ as strings but normalize alike', () => {
  assert.notEqual(NFC, NFD)
  assert.equal(normalizePassword(NFD), NFC)
  // Length counts characters of the NFC form: seven decomposed "é"s are 14 units, 7 characters.
  assert.equal(passwordProblem('\u00e9'.normalize('NFD').repeat(7)), 'password must be at least 8 characters')
})

test('registered in either form, the password logs in in either form; the hash is of the NFC form', async () => {
  for (const [registered, other] of [
    [NFC, NFD],
    [NFD, NFC],
  ] as const) {
    const { auth } = coreAuth()
    const user = await auth.accounts.register({ email: 'ada@example.com', password: registered })
    await login(auth, registered)
    await login(auth, other)
    const stored = await contextOf(auth).store.findUserById(user.id)
    assert.equal((await contextOf(auth).hasher.verify(stored!.passwordHash, NFC)).ok, true)
  }
})

test('change password and account deletion confirm in either form', async () => {
  const { auth } = coreAuth()
  const user = await auth.accounts.register({ email: 'ada@example.com', password: NFD })
  await auth.accounts.changePassword(user.id, { currentPassword: NFC, newPassword: `${NFD} new` })
  await login(auth, `${NFC} new`)
  await auth.accounts.deleteOwnAccount(user.id, `${NFD} new`)
  assert.equal(await contextOf(auth).store.findUserById(user.id), undefined)
})

test('a hash of a raw NFD password made before normalization still logs in, and is rehashed to NFC', async () => {
  const { auth, store } = coreAuth()
  const user = await auth.accounts.register({ email: 'ada@example.com', password: NFC })
  // What register stored before this change: the hash of the string as typed.
  await store.updateUser(user.id, { passwordHash: await contextOf(auth).hasher.hash(NFD), updatedAt: user.updatedAt })
  await assert.rejects(login(auth, NFC), { code: 'INVALID_CREDENTIALS' }) // NFC never matched a raw NFD hash
  await login(auth, NFD)
  const after = await store.findUserById(user.id)
  assert.equal((await contextOf(auth).hasher.verify(after!.passwordHash, NFC)).ok, true)
  await login(auth, NFC) // rehashed: now both forms log in
})

test('lone surrogates: refused where a password is set, a plain mismatch at login', async () => {
  const { auth } = coreAuth()
  for (const password of ['abcdefgh\ud800', 'abcdefgh\udfff', '\udc00abcdefghij']) {
    assert.equal(normalizePassword(password), undefined)
    await assert.rejects(auth.accounts.register({ email: 'ada@example.com', password }), { code: 'VALIDATION_FAILED', message: /surrogate/ })
  }
  const user = await auth.accounts.register({ email: 'ada@example.com', password: 'abcdefgh\u{1F511}' }) // a well-formed pair is fine
  await login(auth, 'abcdefgh\u{1F511}')
  // Both lone surrogates would have hashed as U+FFFD: neither logs in, nor errors otherwise.
  const { auth: other } = coreAuth()
  await contextOf(other).store.createUser({ ...user, passwordHash: await contextOf(other).hasher.hash('abcdefgh\ufffd') })
  for (const password of ['abcdefgh\ud800', 'abcdefgh\udfff']) await assert.rejects(login(other, password), { code: 'INVALID_CREDENTIALS' })
  await login(other, 'abcdefgh\ufffd')
  await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: 'abcdefgh\u{1F511}', newPassword: 'new password \ud800' }), { code: 'VALIDATION_FAILED' })
  await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: 'abcdefgh\ud800', newPassword: 'a fine new password' }), { code: 'PASSWORD_INCORRECT' })
})

test('the common list loads once, as a Set, and holds the usual suspects', async () => {
  const first = commonPasswords()
  assert.equal(commonPasswords(), first)
  const set = await first
  assert.ok(set.size > 15_000, String(set.size))
  for (const p of ['12345678', 'password', 'password1', 'iloveyou', 'qwertyuiop']) assert.ok(set.has(p), p)
  for (const p of set) assert.ok([...p].length >= 8 && p === p.toLowerCase())
})

test('passwordWeakness: common (any case), whitespace only, own email, local part or username', async () => {
  const owner = { email: 'Ada.Lovelace@Example.com', username: 'Countess_A' }
  for (const [password, why] of [
    ['12345678', 'password is too common'],
    ['PassWord1', 'password is too common'],
    ['        ', 'password must not be only whitespace'],
    [' \t\u3000 \u00a0  \n', 'password must not be only whitespace'],
    ['ada.lovelace@example.com', 'password must not be your email or username'],
    ['ADA.LOVELACE', 'password must not be your email or username'],
    ['countess_a', 'password must not be your email or username'],
  ] as const) {
    assert.equal(await passwordWeakness(password, owner), why, JSON.stringify(password))
  }
  assert.equal(await passwordWeakness('correct horse battery', owner), undefined)
  assert.equal(await passwordWeakness('ada.lovelace1', owner), undefined)
})

test('register, change, bootstrap refuse a weak password with PASSWORD_TOO_WEAK; login does not check', async () => {
  const { auth, store } = coreAuth()
  await assert.rejects(auth.accounts.register({ email: 'ada@example.com', password: '12345678' }), { code: 'PASSWORD_TOO_WEAK', message: 'password is too common' })
  await assert.rejects(auth.accounts.register({ email: 'ada.lovelace@example.com', password: 'Ada.Lovelace' }), {
    code: 'PASSWORD_TOO_WEAK',
    message: 'password must not be your email or username',
  })
  await assert.rejects(auth.admin.ensureAdmin({ email: 'root@example.com', password: 'password1' }), { code: 'PASSWORD_TOO_WEAK' })
  const user = await auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery', username: 'ada_lovelace' })
  await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: 'correct horse battery', newPassword: 'ADA_LOVELACE' }), {
    code: 'PASSWORD_TOO_WEAK',
    message: 'new_password must not be your email or username',
  })
  // A refused new password costs no throttle attempt and changes nothing.
  await login(auth, 'correct horse battery')
  // An account whose password predates the rules still logs in.
  await store.updateUser(user.id, { passwordHash: await contextOf(auth).hasher.hash('12345678'), updatedAt: user.updatedAt })
  await login(auth, '12345678')
})

test('PASSWORD_MIN_LENGTH: default 8, 8 to 128, applied where a password is set', async () => {
  assert.equal(parseConfig({}).passwordMinLength, 8)
  assert.equal(parseConfig({ PASSWORD_MIN_LENGTH: '12' }).passwordMinLength, 12)
  for (const bad of ['7', '0', '129', 'twelve', '-8']) {
    assert.throws(() => parseConfig({ PASSWORD_MIN_LENGTH: bad }), (err: unknown) => err instanceof ConfigError && err.variable === 'PASSWORD_MIN_LENGTH')
  }
  assert.throws(() => parseConfig({ PASSWORD_MIN_LENGTH: '16', ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'fourteen chars' }), (err: unknown) => err instanceof ConfigError && err.variable === 'ADMIN_PASSWORD')
  assert.throws(() => coreAuth({ passwordMinLength: 6 }), TypeError)
  const { auth } = coreAuth({ passwordMinLength: 12 })
  await assert.rejects(auth.accounts.register({ email: 'ada@example.com', password: 'ten chars!' }), { code: 'VALIDATION_FAILED', message: 'password must be at least 12 characters' })
  const user = await auth.accounts.register({ email: 'ada@example.com', password: 'twelve chars' })
  await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: 'twelve chars', newPassword: 'eleven char' }), { code: 'VALIDATION_FAILED', message: /^new_password must be at least 12/ })
})
