import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError } from '../../src/core/config-env.js'
import { importOptional, isMissingPackage, MissingPackageError } from '../../src/core/optional-module.js'

test('a package that is not installed -> MissingPackageError naming it, what needed it and how to install it', async () => {
  // A specifier built at run time, so neither tsc nor tsx resolves it ahead.
  const name = ['tw', 'no', 'such', 'package'].join('-')
  const err = await importOptional(name, 'Testing', () => import(name)).then(
    () => assert.fail('imported a package that does not exist'),
    (e: unknown) => e,
  )
  assert.ok(err instanceof MissingPackageError)
  assert.ok(err instanceof ConfigError, 'reported like any configuration error (the CLI exits 2)')
  assert.equal(err.packageName, name)
  assert.equal(err.variable, name)
  assert.equal(err.message, `${name}: Testing needs this package, which is not installed: npm install ${name}`)
})

test('an installed package loads; its own failures are not mistaken for its absence', async () => {
  const { default: pg } = await importOptional('pg', 'Testing', () => import('pg'))
  assert.equal(typeof pg.Pool, 'function')
  // The package is there but something it imports is missing: that error goes through as it is.
  const inner = Object.assign(new Error("Cannot find package 'pg-types' imported from /x/node_modules/pg/lib/index.js"), { code: 'ERR_MODULE_NOT_FOUND' })
  await assert.rejects(importOptional('pg', 'Testing', () => Promise.reject(inner)), (e) => e === inner)
  const broken = new TypeError('boom')
  await assert.rejects(importOptional('pg', 'Testing', () => Promise.reject(broken)), (e) => e === broken)
})

test('isMissingPackage reads both module systems and matches the whole name', () => {
  const esm = { code: 'ERR_MODULE_NOT_FOUND', message: "Cannot find package 'ioredis' imported from /app/dist/x.js" }
  const cjs = { code: 'MODULE_NOT_FOUND', message: "Cannot find module 'ioredis'\nRequire stack: ..." }
  assert.equal(isMissingPackage(esm, 'ioredis'), true)
  assert.equal(isMissingPackage(cjs, 'ioredis'), true)
  assert.equal(isMissingPackage(esm, 'redis'), false)
  assert.equal(isMissingPackage({ code: 'EACCES', message: "'ioredis'" }, 'ioredis'), false)
  assert.equal(isMissingPackage(undefined, 'ioredis'), false)
})
