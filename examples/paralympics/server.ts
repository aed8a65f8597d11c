// Runs the paralympics API: `npm run example:paralympics` (PORT 3101, HOST 127.0.0.1, SQLite
// under ./data/paralympics, JWT_SECRET or a development secret kept there).

import { loadEnv } from '../shared/config.js'
import { runExample } from '../shared/start.js'
import { buildParalympics, ENV_DEFAULTS, NAME, PORT } from './app.js'

// runExample reads the environment itself: the example's defaults go in where nothing is set.
const env = loadEnv()
for (const [name, value] of Object.entries(ENV_DEFAULTS)) if (env[name] === undefined) process.env[name] = value

await runExample({ name: NAME, port: PORT }, async (config) => (await buildParalympics(config)).app)
