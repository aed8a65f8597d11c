// /api/noc: the regions. Reading is public; adding, changing and deleting need a token
// (the tutorial's @token_required, here the tokenwarden guard on each writing route).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { ParalympicsData } from '../db.js'
import { DataError, dataErrorHandler, invalid } from '../errors.js'
import { CodeParams, Deleted, ErrorAnswer, NewRegion, Region, RegionPatch } from '../schemas.js'

export async function regionRoutes(app: FastifyInstance, { data }: { data: ParalympicsData }): Promise<void> {
  app.setErrorHandler(dataErrorHandler)
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const tokenRequired = app.tokenwarden.guard()
  const errors = { 400: ErrorAnswer, 401: ErrorAnswer, 404: ErrorAnswer, 409: ErrorAnswer }

  r.get('/noc', { schema: { response: { 200: Type.Array(Region) } } }, () => data.listRegions())

  r.get('/noc/:code', { schema: { params: CodeParams, response: { 200: Region, 404: ErrorAnswer } } }, async (request) => {
    const region = await data.region(request.params.code)
    if (region === undefined) throw new DataError('NOC_NOT_FOUND')
    return region
  })

  r.post('/noc', { onRequest: tokenRequired, schema: { body: NewRegion, response: { 201: Region, ...errors } } }, async (request, reply) => {
    const { NOC, region, notes = null } = request.body
    const added = await data.addRegion({ NOC, region, notes })
    if (added === 'exists') throw new DataError('NOC_EXISTS')
    return reply.code(201).send(added)
  })

  r.patch('/noc/:code', { onRequest: tokenRequired, schema: { params: CodeParams, body: RegionPatch, response: { 200: Region, ...errors } } }, async (request) => {
    const { NOC, ...patch } = request.body
    if (NOC !== undefined && NOC !== request.params.code) throw invalid('NOC', 'NOC is the key of a region and cannot be changed')
    const updated = await data.updateRegion(request.params.code, patch)
    if (updated === 'not_found') throw new DataError('NOC_NOT_FOUND')
    return updated
  })

  r.delete('/noc/:code', { onRequest: tokenRequired, schema: { params: CodeParams, response: { 200: Deleted, ...errors } } }, async (request) => {
    const { code } = request.params
    const removed = await data.deleteRegion(code)
    if (removed === 'not_found') throw new DataError('NOC_NOT_FOUND')
    if (removed === 'in_use') throw new DataError('NOC_IN_USE')
    return { 'Successfully deleted': code }
  })
}
