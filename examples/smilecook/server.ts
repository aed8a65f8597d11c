// Runs smilecook: `npm run example:smilecook` (PORT 3104, HOST 127.0.0.1, SQLite under
// ./data/smilecook, JWT_SECRET or a development secret kept there).

import { runExample } from '../shared/start.js'
import { buildSmilecook } from './app.js'

await runExample({ name: 'smilecook', port: 3104 }, async (config) => (await buildSmilecook(config)).app)
