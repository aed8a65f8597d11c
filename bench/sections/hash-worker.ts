// The raw argon2id rate: verifies of one stored hash at the server's parameters, kept
// `concurrency` deep on the libuv pool (as the server's logins are), for BENCH_INPUT.seconds.
// Prints { perSec } as one JSON line. Run pinned to the server core.

import { hash, verify, type Algorithm } from '@node-rs/argon2'
import { performance } from 'node:perf_hooks'
import type { Argon2Params } from '../../src/core/passwords/hash.js'
import { workerInput } from '../lib/proc.js'

const { seconds, concurrency, params } = workerInput<{ seconds: number; concurrency: number; params: Argon2Params }>()
const password = 'correct horse battery staple'
const stored = await hash(password, { algorithm: 2 as Algorithm, ...params })
// Warm-up: one round per lane.
await Promise.all(Array.from({ length: concurrency }, () => verify(stored, password)))

let done = 0
const start = performance.now()
const end = start + seconds * 1000
async function lane(): Promise<void> {
  while (performance.now() < end) {
    if (!(await verify(stored, password))) throw new Error('argon2 verify failed')
    done++
  }
}
await Promise.all(Array.from({ length: concurrency }, lane))
console.log(JSON.stringify({ perSec: done / ((performance.now() - start) / 1000) }))
