// Peer: Express 5 + express-jwt (HS256) guarding the same route. PORT from env.

import express, { type NextFunction, type Request, type Response } from 'express'
import { expressjwt, type Request as JwtRequest } from 'express-jwt'
import { BENCH_SECRET } from '../lib/fixtures.js'

const app = express()
app.disable('x-powered-by')
app.get('/me', expressjwt({ secret: BENCH_SECRET, algorithms: ['HS256'] }), (req: JwtRequest, res: Response) => {
  res.json({ sub: req.auth?.sub })
})
app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
  res.status(err.status ?? 500).json({ error: err.name })
})
app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1')
