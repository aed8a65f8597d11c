// A notes API protected by the tokenwarden Fastify plugin alone: no tokenwarden server, no
// database, the shape of a typical Flask-JWT-Extended app ported to TypeScript. Users and
// notes live in memory; passwords are scrypt hashes (node:crypto).

import { randomUUID, scrypt, randomBytes, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import Fastify, { type FastifyInstance } from 'fastify'
import { tokenwarden, type Clock, type TokenClaims } from '../../src/fastify.js'

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>

export interface User {
  id: string
  username: string
  roles: string[]
  salt: Buffer
  hash: Buffer
}

export interface Note {
  id: string
  owner: string
  text: string
}

export interface NotesApiOptions {
  /** HS256 secret, at least 32 bytes (the example's JWT_SECRET). */
  secret: string
  /** Where tokens are read from, in order. default: headers, then cookies */
  locations?: ('headers' | 'cookies' | 'query_string' | 'json')[]
  /** Cookie `Secure` flag; keep true behind HTTPS. default: true */
  secureCookies?: boolean
  /** For tests: a frozen clock. */
  clock?: Clock
}

/** Builds the API (call `app.listen` or `app.inject`); `users` seeds accounts (`{ username: password }`), `admins` get the admin role. */
export async function buildNotesApi(
  options: NotesApiOptions,
  seed: { users: Record<string, string>; admins?: string[] } = { users: {} },
): Promise<{ app: FastifyInstance; notes: Map<string, Note> }> {
  const users = new Map<string, User>()
  const notes = new Map<string, Note>()
  // Logins that logged out (token_in_blocklist_loader). Every token of one login, its refresh
  // token and the access tokens refreshed from it, carries the login's id in `login_id`, so
  // logout refuses them all: blocklisting the access token's jti alone would leave the refresh
  // token minting new access tokens.
  const loggedOut = new Set<string>()

  for (const [username, password] of Object.entries(seed.users)) {
    const salt = randomBytes(16)
    const roles = seed.admins?.includes(username) ? ['user', 'admin'] : ['user']
    users.set(username, { id: randomUUID(), username, roles, salt, hash: await scryptAsync(password, salt, 32) })
  }
  const byId = (id: string) => [...users.values()].find((u) => u.id === id)

  const app = Fastify()
  await app.register(tokenwarden, {
    keys: [{ alg: 'HS256', secret: options.secret }],
    verify: { clock: options.clock },
    locations: options.locations ?? ['headers', 'cookies'],
    cookies: { secure: options.secureCookies ?? true },
    // Flask-JWT-Extended's defaults: errors say {"msg": "..."}.
    messageKey: 'msg',
    additionalClaims: (identity) => ({ username: byId(identity)?.username }),
    isRevoked: (claims) => loggedOut.has(String(claims.login_id)),
    loadUser: (claims) => byId(claims.sub),
  })
  const tw = app.tokenwarden

  // create_access_token / create_refresh_token; `?cookies=true` sets HttpOnly cookies instead.
  app.post<{ Body: { username?: string; password?: string }; Querystring: { cookies?: string } }>('/login', async (request, reply) => {
    const { username = '', password = '' } = request.body ?? {}
    const user = users.get(username)
    const hash = await scryptAsync(String(password), user?.salt ?? randomBytes(16), 32)
    if (user === undefined || !timingSafeEqual(hash, user.hash)) return reply.code(401).send({ msg: 'Bad username or password' })
    const claims = { login_id: randomUUID() }
    const access = tw.createAccessToken(user.id, { fresh: true, roles: user.roles, claims })
    const refresh = tw.createRefreshToken(user.id, { claims })
    if (request.query.cookies === 'true') {
      tw.setAccessCookies(reply, access)
      tw.setRefreshCookies(reply, refresh)
      return { login: true }
    }
    return { access_token: access, refresh_token: refresh }
  })

  // jwt_required(refresh=True): a new, non-fresh access token.
  app.post('/refresh', { onRequest: tw.guard({ refresh: true }) }, async (request, reply) => {
    const user = request.currentUser as User
    const access = tw.createAccessToken(user.id, { roles: user.roles, claims: { login_id: request.jwt!.login_id } })
    if (request.tokenLocation === 'cookies') return tw.setAccessCookies(reply, access).send({ refresh: true })
    return { access_token: access }
  })

  // jwt_required(optional=True)
  app.get('/hello', { onRequest: tw.guard({ optional: true }) }, async (request) => {
    const user = request.currentUser as User | null
    return { hello: user?.username ?? 'stranger' }
  })

  // jwt_required() with current_user, get_jwt_identity and get_jwt
  app.get('/notes', { onRequest: tw.guard() }, async (request) => {
    const claims = request.jwt as TokenClaims
    return { user: claims.username, notes: [...notes.values()].filter((n) => n.owner === request.identity) }
  })

  app.post<{ Body: { text?: unknown } }>('/notes', { onRequest: tw.guard() }, async (request, reply) => {
    if (typeof request.body?.text !== 'string' || request.body.text === '') return reply.code(400).send({ msg: 'text is required' })
    const note = { id: randomUUID(), owner: request.identity!, text: request.body.text }
    notes.set(note.id, note)
    return reply.code(201).send(note)
  })

  // jwt_required(fresh=True): destructive actions want a password check, not a refreshed token.
  app.delete<{ Params: { id: string } }>('/notes/:id', { onRequest: tw.guard({ fresh: true }) }, async (request, reply) => {
    const note = notes.get(request.params.id)
    if (note === undefined || note.owner !== request.identity) return reply.code(404).send({ msg: 'No such note' })
    notes.delete(note.id)
    return reply.code(204).send()
  })

  // A role check on top of jwt_required().
  app.get('/admin/stats', { onRequest: tw.guard({ roles: ['admin'] }) }, async () => ({ users: users.size, notes: notes.size }))

  // Logout: end this login (its access and refresh tokens) and clear the cookies.
  app.post('/logout', { onRequest: tw.guard() }, async (request, reply) => {
    loggedOut.add(String(request.jwt!.login_id))
    return tw.unsetJwtCookies(reply).send({ logout: true })
  })

  return { app, notes }
}
