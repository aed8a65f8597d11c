// /api/event: the Games. Reading is public; adding and changing need a token.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { ParalympicsData } from '../db.js'
import { DataError, dataErrorHandler, invalid } from '../errors.js'
import { ErrorAnswer, Event, EventParams, EventPatch, NewEvent, type EventFields } from '../schemas.js'

export async function eventRoutes(app: FastifyInstance, { data }: { data: ParalympicsData }): Promise<void> {
  app.setErrorHandler(dataErrorHandler)
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const tokenRequired = app.tokenwarden.guard()
  const errors = { 400: ErrorAnswer, 401: ErrorAnswer, 404: ErrorAnswer }

  /** The rules across fields: dates in order, the host a known region, the counts adding up. */
  async function check(event: Partial<EventFields>): Promise<void> {
    if (event.start != null && event.end != null && event.end < event.start) throw invalid('end', 'end must not be before start')
    if (event.NOC != null && (await data.region(event.NOC)) === undefined) throw invalid('NOC', 'NOC must be the code of a region (GET /api/noc)')
    const { male, female, participants } = event
    if (male != null && female != null && participants != null && male + female > participants) {
      throw invalid('participants', 'participants must be at least male + female')
    }
  }

  r.get('/event', { schema: { response: { 200: Type.Array(Event) } } }, () => data.listEvents())

  r.get('/event/:event_id', { schema: { params: EventParams, response: { 200: Event, ...errors } } }, async (request) => {
    const event = await data.event(request.params.event_id)
    if (event === undefined) throw new DataError('EVENT_NOT_FOUND')
    return event
  })

  r.post('/event', { onRequest: tokenRequired, schema: { body: NewEvent, response: { 201: Event, ...errors } } }, async (request, reply) => {
    await check(request.body)
    return reply.code(201).send(await data.addEvent(request.body))
  })

  r.patch('/event/:event_id', { onRequest: tokenRequired, schema: { params: EventParams, body: EventPatch, response: { 200: Event, ...errors } } }, async (request) => {
    const current = await data.event(request.params.event_id)
    if (current === undefined) throw new DataError('EVENT_NOT_FOUND')
    await check({ ...current, ...request.body })
    const updated = await data.updateEvent(current.event_id, request.body)
    if (updated === 'not_found') throw new DataError('EVENT_NOT_FOUND')
    return updated
  })
}
