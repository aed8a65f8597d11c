// Runs the file upload API: `npm run example:file-upload` (PORT 3102, HOST 127.0.0.1, SQLite under
// ./data/file-upload, or DATABASE_URL=mysql://...; JWT_SECRET or a development secret kept there).

import { ConfigError } from '../../src/index.js'
import { loadEnv } from '../shared/config.js'
import { EXIT_CONFIG, runExample } from '../shared/start.js'
import { buildFileUpload } from './app.js'
import { ENV_DEFAULTS, NAME, PORT, uploadLimits } from './config.js'

// runExample reads the environment itself: the example's defaults go in where nothing is set.
const env = loadEnv()
for (const [name, value] of Object.entries(ENV_DEFAULTS)) if (env[name] === undefined) process.env[name] = value

await runExample({ name: NAME, port: PORT }, async (config) => {
  try {
    return (await buildFileUpload({ ...config, upload: uploadLimits(env) })).app
  } catch (err) {
    // UPLOAD_MAX_SIZE, or a MySQL server whose max_allowed_packet is too small: one line, exit 2.
    if (!(err instanceof ConfigError)) throw err
    console.error(`${NAME}: configuration error: ${err.message}`)
    process.exit(EXIT_CONFIG)
  }
})
