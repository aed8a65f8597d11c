// Runs the notes API: JWT_SECRET=... PORT=3001 npx tsx examples/protect-your-api/server.ts

import { buildNotesApi } from './app.js'

const secret = process.env.JWT_SECRET
if (secret === undefined || Buffer.byteLength(secret) < 32) {
  console.error('Set JWT_SECRET to at least 32 bytes, e.g. JWT_SECRET=$(openssl rand -base64 48)')
  process.exit(2)
}
const { app } = await buildNotesApi(
  { secret, secureCookies: process.env.NODE_ENV === 'production' },
  { users: { ada: 'correct horse battery', root: 'admin password 1' }, admins: ['root'] },
)
await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' })
console.log(`notes API on http://127.0.0.1:${process.env.PORT ?? 3001}`)
