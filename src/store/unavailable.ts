// Is this error "the database cannot be reached right now" (an answer of 503, retried later)
// rather than a bug (500)? Known by the codes the drivers give: node's network errors, pg's
// SQLSTATE classes 08 (connection) and 57P (shutdown), mysql2's protocol errors, SQLite busy.

const CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
  // mysql2
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections
  '57P01', '57P02', '57P03', '53300',
  // SQLite: another process held the write lock past the busy timeout
  'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT',
])

/** pg reports a dropped or timed-out connection with no code, only these messages. */
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/

/**
 * @example
 * if (isUnavailable(err)) reply.code(503)
 */
export function isUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown }
  if (typeof e.code === 'string' && (CODES.has(e.code) || e.code.startsWith('08'))) return true
  if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true
  // Several addresses refused at once (localhost as ::1 and 127.0.0.1).
  if (Array.isArray(e.errors) && e.errors.some((x) => isUnavailable(x, depth + 1))) return true
  return isUnavailable(e.cause, depth + 1)
}
