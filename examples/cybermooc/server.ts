// Runs the cybermooc API: `npm run example:cybermooc` (PORT 3105, HOST 127.0.0.1, SQLite under
// ./data/cybermooc; SECRET_KEY from .env or the environment, else a development secret kept
// in DATA_DIR).

import { runExample } from '../shared/start.js'
import { buildCybermooc, cybermoocEnv, NAME, PORT } from './app.js'

// runExample reads the environment itself: hand it the example's (defaults, SECRET_KEY).
for (const [name, value] of Object.entries(cybermoocEnv())) if (value !== undefined) process.env[name] = value

await runExample({ name: NAME, port: PORT }, async (config) => (await buildCybermooc(config)).app)
