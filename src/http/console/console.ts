// The web console at /console: the single-page app that scripts/build-console.mjs builds into
// dist/console (index.html and content-hashed assets), served with a strict Content-Security-Policy
// (no inline script, no framing). The console signs in with HttpOnly cookies and echoes the CSRF
// value on writes, so it needs `cookies` in JWT_TOKEN_LOCATION (the default while CONSOLE is on);
// without it the page says which variable to set. CONSOLE=false registers nothing.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ServerConfig } from '../../core/config.js'
import { consoleSettings, type ConsoleSettings } from './settings.js'
import { ownPackage } from './package-root.js'

export interface ConsoleOptions {
  /** The built console (index.html, assets/). default: <package root>/dist/console */
  root?: string
}

/** `default-src 'self'` and nothing inline: the built app is one script and one stylesheet of our own. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
}

/** The console's pages are not API: kept out of the OpenAPI document (@fastify/static hides its own). */
const HIDDEN = { hide: true }

/** Hashed file names change with their content, so a browser may keep them for good (RFC 8246). */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/** Registers the console under /console, unless `config.webConsole` is false. */
export async function registerConsole(
  app: FastifyInstance,
  config: Pick<ServerConfig, 'webConsole' | 'tokenLocation' | 'cookies'>,
  options: ConsoleOptions = {},
): Promise<void> {
  if (!config.webConsole) return
  const root = options.root ?? defaultRoot()
  const index = root === undefined ? undefined : readIndex(root)
  const settings = consoleSettings(config)

  await app.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.headers(SECURITY_HEADERS)
        return payload
      })

      scope.get('/settings.json', { schema: HIDDEN }, async (_request, reply): Promise<ConsoleSettings> => {
        reply.header('cache-control', 'no-store')
        return settings
      })

      if (index === undefined) {
        // Not built (a checkout without `npm run build`): say so instead of failing.
        const notBuilt = async (_request: unknown, reply: FastifyReply) => reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT)
        scope.get('/', { schema: HIDDEN }, notBuilt)
        scope.get('/*', { schema: HIDDEN }, notBuilt)
        return
      }

      await scope.register(fastifyStatic, {
        root: join(root!, 'assets'),
        prefix: '/assets/',
        decorateReply: false,
        index: false,
        cacheControl: false,
        etag: true,
        setHeaders: (reply) => void reply.header('cache-control', IMMUTABLE),
      })
      // Every other path under /console is one of the app's own routes: the same index.html,
      // revalidated each time so a new build is picked up at once.
      const sendIndex = async (_request: unknown, reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index)
      scope.get('/', { schema: HIDDEN }, sendIndex)
      scope.get('/*', { schema: HIDDEN }, sendIndex)
    },
    { prefix: '/console' },
  )
}

function defaultRoot(): string | undefined {
  const pkg = ownPackage()?.root
  return pkg === undefined ? undefined : join(pkg, 'dist', 'console')
}

function readIndex(root: string): string | undefined {
  try {
    return readFileSync(join(root, 'index.html'), 'utf8')
  } catch {
    return undefined
  }
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>tokenwarden console: not built</title></head>
<body><main><h1>The web console is not built</h1>
<p>This server found no <code>dist/console</code>. Run <code>npm run build</code> in the tokenwarden package (<code>npm install</code> runs it too), then restart the server.</p>
<p>Set <code>CONSOLE=false</code> to turn the console off.</p></main></body></html>
`
