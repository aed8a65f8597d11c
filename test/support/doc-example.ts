// Code blocks of the docs as the tests run them: taken from the markdown as written (so the
// docs stay true), saved at the package root (so `tokenwarden` and `tokenwarden/fastify`
// resolve to dist/ by self-reference), and started with tsx in a clean environment.

import assert from 'node:assert/strict'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cleanEnv, ROOT } from '../server/process.js'

/** The first ```ts block after the heading `## <heading>` (or any level) in `file`, relative to the package root. */
export function codeBlockAfter(file: string, heading: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const at = text.search(new RegExp(`^#+ ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))
  assert.ok(at >= 0, `${file} has a heading "${heading}"`)
  const m = /```ts\n([\s\S]*?)```/.exec(text.slice(at))
  assert.ok(m, `${file} has a ts block under "${heading}"`)
  return m[1]!
}

/** Writes `code` to a temporary file at the package root and runs it; the file and the process go when the test ends. */
export function runExample(t: { after(fn: () => void): void }, name: string, code: string, env: Record<string, string>): ChildProcessWithoutNullStreams {
  const file = join(ROOT, `${name}-${process.pid}.tmp.ts`)
  writeFileSync(file, code)
  t.after(() => rmSync(file, { force: true }))
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: cleanEnv(env) })
  t.after(() => child.kill('SIGKILL'))
  return child
}

/** Resolves with everything the process wrote to stdout once it exits with code 0; rejects otherwise. */
export function output(child: ChildProcessWithoutNullStreams): Promise<string> {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exited with ${code}: ${stderr}`))))
  })
}
