// Bundles the `tokenwarden` command into one ESM file (dist/tokenwarden.mjs): loading ~400
// modules one by one was ~70% of startup (about 650 ms); one file starts in about half that.
// Native addons stay external, and so do the drivers only some users need (pg, mysql2, ioredis:
// imported lazily by their dialects): bundled, their ~3.5 MB were parsed at every start.
// Run by `npm run build` after tsc.

import { build } from 'esbuild'

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/tokenwarden.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  // Native addons (and the package mnemonist is loaded from with createRequire) stay in node_modules,
  // and so do the common-password list (~0.4 MB, imported when a password is first set) and
  // prom-client (imported only with METRICS=true). @fastify/swagger-ui serves Swagger UI's files
  // from its own package folder, found from its module's location: bundled, it would look in dist/.
  external: ['better-sqlite3', '@node-rs/argon2', '@node-rs/bcrypt', 'mnemonist', 'pg', 'mysql2', 'ioredis', '@zxcvbn-ts/language-common', 'prom-client', '@fastify/swagger-ui'],
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __twCreateRequire } from 'node:module'; const require = __twCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})
