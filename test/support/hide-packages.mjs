// `node --import ./test/support/hide-packages.mjs ...` with TW_HIDE_PACKAGES=a,b: the process runs
// as if those packages were not installed. Importing one (or a subpath of it) fails as Node fails
// for a package that is absent (ERR_MODULE_NOT_FOUND, "Cannot find package 'a' imported from ..."),
// so optional peers can be tested missing without touching node_modules. It works alongside tsx
// (--import tsx), which hands bare package names on to the next hook.

import { register } from 'node:module'

const hook = `
const hidden = (process.env.TW_HIDE_PACKAGES ?? '').split(',').filter((p) => p !== '')
export async function resolve(specifier, context, next) {
  const name = hidden.find((p) => specifier === p || specifier.startsWith(p + '/'))
  if (name !== undefined) {
    const err = new Error("Cannot find package '" + name + "' imported from " + context.parentURL)
    err.code = 'ERR_MODULE_NOT_FOUND'
    throw err
  }
  return next(specifier, context)
}`

register(`data:text/javascript,${encodeURIComponent(hook)}`)
