// The paralympics data: the `region` and `event` tables of the tutorial's models, in the same
// database as tokenwarden's accounts (SQLite by default; PostgreSQL or MySQL when DATABASE_URL
// says so). Created at start when missing and filled from the shipped dataset while empty.
// Expected outcomes ("no such region", "that code exists") are values; the routes turn them
// into answers.

import type { Generated, Kysely, Selectable } from 'kysely'
import type { KyselyStore } from '../../src/index.js'
import { loadEvents, loadRegions } from './dataset.js'
import type { Event, EventFields, NewEvent, Region, RegionPatch } from './schemas.js'

// Column names in camelCase: the store's CamelCasePlugin writes them as snake_case (event_id).
type RegionTable = {
  noc: string
  region: string
  notes: string | null
}

type EventTable = {
  eventId: Generated<number>
  type: string
  year: number
  location: string
  noc: string | null
  start: string | null
  end: string | null
  countries: number | null
  events: number | null
  sports: number | null
  participants: number | null
  male: number | null
  female: number | null
}

type Tables = {
  region: RegionTable
  event: EventTable
}

const toRegion = (row: Selectable<RegionTable>): Region => ({ NOC: row.noc, region: row.region, notes: row.notes })

function toEvent({ eventId, noc, ...row }: Selectable<EventTable>): Event {
  return { event_id: Number(eventId), ...row, type: row.type as Event['type'], NOC: noc }
}

function eventColumns({ NOC, ...fields }: Partial<EventFields>): Partial<Omit<EventTable, 'eventId'>> {
  return NOC === undefined ? fields : { ...fields, noc: NOC }
}

export type RegionChange = Region | 'not_found'
export type RegionRemoval = 'deleted' | 'not_found' | 'in_use'

export class ParalympicsData {
  private readonly db: Kysely<Tables>

  constructor(private readonly store: KyselyStore) {
    this.db = store.db.withTables<Tables>() as unknown as Kysely<Tables>
  }

  /** Creates the tables if missing, and loads the dataset into them while they are empty. */
  async prepare(): Promise<void> {
    const dialect = this.store.dialect.name
    await this.db.schema
      .createTable('region')
      .ifNotExists()
      .addColumn('noc', 'varchar(3)', (c) => c.primaryKey())
      .addColumn('region', 'varchar(100)', (c) => c.notNull())
      .addColumn('notes', 'varchar(500)')
      .execute()
    await this.db.schema
      .createTable('event')
      .ifNotExists()
      .addColumn('event_id', 'integer', (c) => (dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('type', 'varchar(6)', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('location', 'varchar(100)', (c) => c.notNull())
      .addColumn('noc', 'varchar(3)')
      .addColumn('start', 'varchar(10)')
      .addColumn('end', 'varchar(10)')
      .addColumn('countries', 'integer')
      .addColumn('events', 'integer')
      .addColumn('sports', 'integer')
      .addColumn('participants', 'integer')
      .addColumn('male', 'integer')
      .addColumn('female', 'integer')
      .execute()
    const { n } = await this.db.selectFrom('region').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    if (Number(n) > 0) return
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('region').values(loadRegions().map((r) => ({ noc: r.NOC, region: r.region, notes: r.notes }))).execute()
      await trx.insertInto('event').values(loadEvents().map(eventColumns) as Omit<EventTable, 'eventId'>[]).execute()
    })
  }

  async listRegions(): Promise<Region[]> {
    return (await this.db.selectFrom('region').selectAll().orderBy('noc').execute()).map(toRegion)
  }

  async region(code: string): Promise<Region | undefined> {
    const row = await this.db.selectFrom('region').selectAll().where('noc', '=', code).executeTakeFirst()
    return row === undefined ? undefined : toRegion(row)
  }

  /** The new region, or 'exists' when its code is taken. */
  async addRegion(region: Region): Promise<Region | 'exists'> {
    try {
      await this.db.insertInto('region').values({ noc: region.NOC, region: region.region, notes: region.notes }).execute()
    } catch (err) {
      // uniqueViolation names no primary key on MySQL (only SQLite and PostgreSQL do): a failed
      // insert whose code is there now was the duplicate.
      if (this.store.dialect.uniqueViolation(err) !== undefined || (await this.region(region.NOC)) !== undefined) return 'exists'
      throw err
    }
    return region
  }

  async updateRegion(code: string, patch: Omit<RegionPatch, 'NOC'>): Promise<RegionChange> {
    const changes = { region: patch.region, notes: patch.notes }
    if (changes.region !== undefined || changes.notes !== undefined) {
      await this.db.updateTable('region').set(changes).where('noc', '=', code).execute()
    }
    return (await this.region(code)) ?? 'not_found'
  }

  /** Refuses ('in_use') a region that hosts events: they would point at nothing. */
  async deleteRegion(code: string): Promise<RegionRemoval> {
    return this.db.transaction().execute(async (trx) => {
      const hosted = await trx.selectFrom('event').select('eventId').where('noc', '=', code).executeTakeFirst()
      if (hosted !== undefined) return 'in_use'
      const result = await trx.deleteFrom('region').where('noc', '=', code).executeTakeFirst()
      return Number(result.numDeletedRows) > 0 ? 'deleted' : 'not_found'
    })
  }

  async listEvents(): Promise<Event[]> {
    return (await this.db.selectFrom('event').selectAll().orderBy('eventId').execute()).map(toEvent)
  }

  async event(id: number): Promise<Event | undefined> {
    const row = await this.db.selectFrom('event').selectAll().where('eventId', '=', id).executeTakeFirst()
    return row === undefined ? undefined : toEvent(row)
  }

  async addEvent(input: NewEvent): Promise<Event> {
    const values = eventColumns(input) as Omit<EventTable, 'eventId'>
    let id: number
    if (this.store.dialect.name === 'postgres') {
      id = (await this.db.insertInto('event').values(values).returning('eventId').executeTakeFirstOrThrow()).eventId
    } else {
      id = Number((await this.db.insertInto('event').values(values).executeTakeFirstOrThrow()).insertId)
    }
    return (await this.event(id))!
  }

  async updateEvent(id: number, patch: Partial<EventFields>): Promise<Event | 'not_found'> {
    await this.db.updateTable('event').set(eventColumns(patch)).where('eventId', '=', id).execute()
    return (await this.event(id)) ?? 'not_found'
  }
}
