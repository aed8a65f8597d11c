import { accessTokens, writeTokens } from '../lib/fixtures.js'
import { treeCpuMs } from '../lib/cpu.js'
import { runLoad } from '../lib/load.js'
import { freePort, nodeArgs } from '../lib/proc.js'
import { startServer } from '../lib/server.js'
const [one] = accessTokens(1)
const pool = writeTokens('/tmp/exp-pool.txt', accessTokens(10000))
const rounds = Number(process.env.ROUNDS ?? 2)
const variants = process.argv.slice(2)
for (let round = 0; round < rounds; round++) for (const v of variants) {
  const [name, script, cold] = v.split(':')
  const port = await freePort()
  const s = await startServer({ name: name!, command: process.execPath, args: await nodeArgs(script ?? 'bench/exp-tmp/variant.ts'), env: { VARIANT: name, ...(cold === 'cold0' ? { TW_CACHE_SIZE: '0' } : {}) }, port, readyPath: '/health' })
  const spec = { url: `${s.url}/me`, connections: 50, ...(cold ? { tokensFile: pool } : { headers: { authorization: `Bearer ${one}` } }) }
  await runLoad({ ...spec, seconds: 1 })
  const c0 = treeCpuMs(s.pid)
  const r = await runLoad({ ...spec, seconds: 4 })
  const us = ((treeCpuMs(s.pid) - c0) * 1000) / r.requests
  console.log(round, v.padEnd(40), String(Math.round(r.rps)).padStart(6), 'req/s', us.toFixed(2).padStart(6), 'µs CPU/req', 'non2xx', r.non2xx)
  await s.stop()
}
