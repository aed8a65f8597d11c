// Logger options for Fastify's pino: secrets never reach a log line. Credentials travel in
// headers (redacted), bodies are never logged, and token-bearing query parameters are
// masked in the logged URL. On a developer's terminal the lines are made readable
// (pino-pretty); anywhere else they stay JSON, one object a line, for log collectors.

import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { Bindings, ChildLoggerOptions, DestinationStream, Logger, LoggerOptions } from 'pino'
import type { LogLevel, NodeEnv } from '../core/config.js'

export const REDACTED = '[REDACTED]'
const SECRET_PARAMS: readonly string[] = ['jwt', 'token', 'access_token', 'refresh_token', 'password', 'csrf_token']

/**
 * Masks the values of token-bearing query parameters. Names are compared decoded, as the
 * query parser reads them (`?%6Awt=` is `?jwt=`); a name that does not decode is masked too.
 */
export function redactUrl(url: string, names: ReadonlySet<string> = new Set(SECRET_PARAMS)): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    if (eq < 0) return pair
    const raw = pair.slice(0, eq)
    let name: string | undefined
    try {
      name = decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase()
    } catch {
      name = undefined
    }
    return name === undefined || names.has(name) ? `${raw}=${REDACTED}` : pair
  })
  return `${url.slice(0, q + 1)}${pairs.join('&')}`
}

/** The default parameters plus `extra` (e.g. a custom JWT_QUERY_STRING_NAME), lowercased. */
function secretParamNames(extra: readonly string[]): ReadonlySet<string> {
  return new Set([...SECRET_PARAMS, ...extra].map((n) => n.toLowerCase()))
}

export function loggerOptions(
  level: LogLevel,
  stream?: DestinationStream,
  secretParams: readonly string[] = [],
): LoggerOptions & { stream?: DestinationStream } {
  const names = secretParamNames(secretParams)
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        'password',
        'new_password',
        'current_password',
        'access_token',
        'refresh_token',
        '*.password',
        '*.access_token',
        '*.refresh_token',
      ],
      censor: REDACTED,
    },
    serializers: {
      req(req: FastifyRequest) {
        return { method: req.method, url: redactUrl(req.url, names), host: req.host, remoteAddress: req.ip }
      },
    },
  }
}

/**
 * Human-readable log lines (pino-pretty, one line each, in colour) when NODE_ENV is development
 * and `stdout` is a terminal; undefined otherwise (JSON to stdout). Used in-process as pino's
 * stream rather than as a transport, so no worker thread has to resolve the module by path, and
 * lines reach it already redacted by the options above.
 *
 * @example
 * const { app } = await buildApp(config, { logStream: await terminalLogStream(config.env) })
 */
export async function terminalLogStream(env: NodeEnv, stdout: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Promise<DestinationStream | undefined> {
  if (env !== 'development' || stdout.isTTY !== true) return undefined
  const { default: pretty } = await import('pino-pretty')
  return pretty({ destination: stdout, colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true })
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/**
 * A request logger that becomes a real pino child (`logger.child({ reqId })`) only when a line
 * is actually written at an enabled level. Fastify builds a child logger for every request;
 * at LOG_LEVEL=warn most requests write nothing, and pino's child() (bindings serialised through
 * the redaction above) was ~0.9 µs of each GET /auth/me (bench/analysis.md). Lines that are
 * written carry the same reqId binding as before. Route-level log options (a `logLevel` or
 * serializers) get a real child at once.
 */
export function lazyChildLogger(this: unknown, logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  if (hasKeys(opts)) return logger.child(bindings, opts)
  return new LazyChildLogger(logger as Logger, bindings) as unknown as FastifyBaseLogger
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true
  return false
}

class LazyChildLogger {
  readonly #parent: Logger
  readonly #bindings: Bindings
  #real: Logger | undefined

  constructor(parent: Logger, bindings: Bindings) {
    this.#parent = parent
    this.#bindings = bindings
  }

  #child(): Logger {
    return (this.#real ??= this.#parent.child(this.#bindings))
  }

  #write(level: Level, args: unknown[]): void {
    const target = this.#real ?? this.#parent
    if (!target.isLevelEnabled(level)) return
    ;(this.#child()[level] as (...a: unknown[]) => void)(...args)
  }

  get level(): string {
    return (this.#real ?? this.#parent).level
  }

  set level(level: string) {
    this.#child().level = level
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.#write('error', args)
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args)
  }
  info(...args: unknown[]): void {
    this.#write('info', args)
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args)
  }
  silent(): void {}
  isLevelEnabled(level: string): boolean {
    return (this.#real ?? this.#parent).isLevelEnabled(level)
  }
  bindings(): Bindings {
    return this.#real?.bindings() ?? { ...this.#parent.bindings(), ...this.#bindings }
  }
  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#child().child(bindings, opts) as FastifyBaseLogger
  }
}
