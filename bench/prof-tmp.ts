import { setupAlg } from './sections/token-impls.js'
import { opsPerSecSync } from './lib/measure.js'
const which = process.argv[2] ?? 'tokenwarden'
const { contenders } = setupAlg('HS256', 1000)
const f = (contenders as any)[which].verify
for (let r = 0; r < 3; r++) console.log(which, Math.round(opsPerSecSync(f, 1500)))
