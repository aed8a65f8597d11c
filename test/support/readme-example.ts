// The README's "Protect your own API" example as the tests run it: its code block taken from
// README.md as written (so the README stays true), and the URL it prints once it listens.

import assert from 'node:assert/strict'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../server/process.js'

export function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Protect your own API')))
  assert.ok(m, 'README has a ts block under "Protect your own API"')
  return m[1]!
}

/** Resolves with the URL of the example's `listening on <url>` line; rejects if it exits or stays silent 30 s. */
export function exampleUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`no listening line in 30 s; stderr: ${stderr}`)), 30_000)
    child.stdout.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.on('exit', (code) => reject(new Error(`example exited with ${code}: ${stderr}`)))
  })
}
