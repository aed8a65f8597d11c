// temp: profile one server under wrk
import { spawn } from 'node:child_process'
import { accessTokens, writeTokens } from './lib/fixtures.js'
import { runLoad } from './lib/load.js'
import { sleep } from './lib/proc.js'
const [server, mode, secs] = process.argv.slice(2)
const port = 4321
const child = spawn('taskset', ['-c', '0', process.execPath, '--cpu-prof', '--cpu-prof-dir=/tmp/prof-http', '--import', 'tsx', 'bench/prof-server-tmp.ts'], { env: { ...process.env, PORT: String(port), PROF_SERVER: `./servers/${server}.ts`, ...(mode === 'cold' ? { TW_CACHE_SIZE: '0' } : {}) }, stdio: 'inherit' })
await sleep(2500)
const [one] = accessTokens(1)
const spec = mode === 'cold' ? { tokensFile: writeTokens('/tmp/prof-tokens.txt', accessTokens(10000)) } : { headers: { authorization: `Bearer ${one}` } }
const r = await runLoad({ url: `http://127.0.0.1:${port}/me`, connections: 50, seconds: Number(secs ?? 5), ...spec })
console.log(server, mode, Math.round(r.rps), 'req/s', r.non2xx, 'non2xx')
child.kill('SIGTERM')
await new Promise((r) => child.once('exit', r))
