// Runs the four tutorials: `npm run example:flask-tutorials` (PORT 3103, HOST 127.0.0.1,
// SQLite under ./data/flask-tutorials, JWT_SECRET or a development secret kept there).

import { runExample } from '../shared/start.js'
import { buildFlaskTutorials } from './app.js'

await runExample({ name: 'flask-tutorials', port: 3103 }, async (config) => (await buildFlaskTutorials(config)).app)
