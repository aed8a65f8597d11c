// Builds the web console (console/) into dist/console: esbuild bundles console/src/main.tsx
// (Preact, JSX) and its stylesheet into content-hashed files under assets/, and writes index.html
// from console/index.html pointing at them. Run by `npm run build` (so by `npm install`) and by
// the console's browser tests. Safe to run twice at once: every file is written whole (a rename),
// and only assets the new index.html does not name are removed.

import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'dist', 'console')
const ASSETS = join(OUT, 'assets')

const result = await build({
  entryPoints: { app: join(ROOT, 'console', 'src', 'main.tsx') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  entryNames: '[name]-[hash]',
  outdir: ASSETS,
  write: false,
  logLevel: 'warning',
})

mkdirSync(ASSETS, { recursive: true })
const names = result.outputFiles.map((file) => basename(file.path))
for (const file of result.outputFiles) writeWhole(file.path, file.contents)

const script = names.find((n) => n.endsWith('.js'))
const style = names.find((n) => n.endsWith('.css'))
if (script === undefined || style === undefined) throw new Error(`build-console: expected a .js and a .css, got ${names.join(', ')}`)
const template = readFileSync(join(ROOT, 'console', 'index.html'), 'utf8')
const index = template
  .replace('<!-- style -->', `<link rel="stylesheet" href="/console/assets/${style}">`)
  .replace('<!-- script -->', `<script type="module" src="/console/assets/${script}"></script>`)
writeWhole(join(OUT, 'index.html'), index)

for (const name of readdirSync(ASSETS)) {
  if (!names.includes(name) && !name.includes('.tmp-')) rmSync(join(ASSETS, name), { force: true })
}

function writeWhole(path, contents) {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, contents)
  renameSync(tmp, path)
}
