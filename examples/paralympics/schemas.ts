// Request and response shapes of the paralympics API, as the tutorial's Marshmallow schemas
// dumped them: a region is { NOC, region, notes }, an event carries its id, type, year, host
// (location and NOC), dates and counts. Unknown values are null. Validation refuses what the
// Flask app let through to a 500 (a missing field, a word where a number goes).

import { Type, type Static, type TSchema } from 'typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A National (Olympic/Paralympic) Committee code: three capital letters, as in the dataset. */
export const NocCode = Type.String({ pattern: '^[A-Z]{3}$' })
const Count = Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))
const IsoDate = Nullable(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' }))

export const Region = Type.Object({
  NOC: NocCode,
  region: Type.String({ minLength: 1, maxLength: 100 }),
  notes: Nullable(Type.String({ maxLength: 500 })),
})
export type Region = Static<typeof Region>

export const NewRegion = Type.Object({
  NOC: NocCode,
  region: Region.properties.region,
  notes: Type.Optional(Region.properties.notes),
})
export type NewRegion = Static<typeof NewRegion>

/** PATCH /api/noc/:code: the fields to change; `NOC` may be repeated but not changed (it is the key). */
export const RegionPatch = Type.Partial(Region, { minProperties: 1 })
export type RegionPatch = Static<typeof RegionPatch>

export const EventFields = Type.Object({
  type: Type.Union([Type.Literal('summer'), Type.Literal('winter')]),
  year: Type.Integer({ minimum: 1948, maximum: 2100 }),
  /** The host city (or cities). */
  location: Type.String({ minLength: 1, maxLength: 100 }),
  /** The host's NOC code: a region of this API, or null (1984's Summer Games had two hosts). */
  NOC: Nullable(NocCode),
  start: IsoDate,
  end: IsoDate,
  countries: Count,
  events: Count,
  sports: Count,
  participants: Count,
  male: Count,
  female: Count,
})
export type EventFields = Static<typeof EventFields>

export const Event = Type.Object({ event_id: Type.Integer(), ...EventFields.properties })
export type Event = Static<typeof Event>

/** POST /api/event: type, year and location are required; the rest may be left out (null). */
export const NewEvent = Type.Object({
  type: EventFields.properties.type,
  year: EventFields.properties.year,
  location: EventFields.properties.location,
  ...Type.Partial(Type.Omit(EventFields, ['type', 'year', 'location'])).properties,
})
export type NewEvent = Static<typeof NewEvent>

export const EventPatch = Type.Partial(EventFields, { minProperties: 1 })
export type EventPatch = Static<typeof EventPatch>

export const CodeParams = Type.Object({ code: Type.String({ maxLength: 16 }) })
export const EventParams = Type.Object({ event_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })

/** /api/register and /api/login take the tutorial's JSON: { "email": ..., "password": ... }. */
export const Credentials = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
})

export const Status = Type.Object({ status: Type.Literal('success'), message: Type.String() })
export const LoginAnswer = Type.Object({ ...Status.properties, token: Type.String() })
export const Deleted = Type.Object({ 'Successfully deleted': NocCode })

export const ErrorAnswer = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
})
