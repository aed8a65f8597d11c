// Queries Kysely builds and compiles once: for the few statements every login runs, where
// building the query tree, running the CamelCase transform and compiling cost more than SQLite
// itself (three login queries: ~85 µs through the builder against ~52 µs as prepared statements,
// bench/analysis.md). The query is built with placeholder values, compiled on first use for the
// database at hand, and each call binds its own parameters into the same SQL. The result still
// goes through Kysely's executor and plugins (CamelCase rows), like any other query.

import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely'

export type Param = string | number | null

/** A compiled statement: call it to run it on the database it was made for, or `.on(trx)` inside a transaction. */
export interface Precompiled<R> {
  (...params: Param[]): Promise<QueryResult<R>>
  on(executor: Pick<Kysely<any>, 'executeQuery'>, ...params: Param[]): Promise<QueryResult<R>>
}

/**
 * @example
 * const byEmail = precompiled(db, 1, (email) => db.selectFrom('users').selectAll().where('email', '=', email))
 * const { rows } = await byEmail('ada@example.com')
 */
export function precompiled<DB, R>(
  db: Kysely<DB>,
  arity: number,
  build: (...placeholders: string[]) => Compilable<R>,
): Precompiled<R> {
  // Values no caller passes: NUL bytes never reach SQL text or a real parameter of ours.
  const marks = Array.from({ length: arity }, (_, i) => `\u0000tokenwarden-param-${i}\u0000`)
  let compiled: CompiledQuery<R> | undefined
  let slots: readonly number[] = []
  const on = (executor: Pick<Kysely<any>, 'executeQuery'>, ...params: Param[]): Promise<QueryResult<R>> => {
    if (params.length !== arity) throw new TypeError(`precompiled query takes ${arity} parameters, got ${params.length}`)
    if (compiled === undefined) {
      const query = build(...marks).compile()
      const positions = query.parameters.map((p) => marks.indexOf(p as string))
      // Every bound value must be one of ours: a literal Kysely parameterised itself would be lost.
      if (positions.some((i) => i < 0)) throw new TypeError('precompiled: every parameter of the query must be a placeholder')
      compiled = query
      slots = positions
    }
    return executor.executeQuery({ ...compiled, parameters: slots.map((i) => params[i]) })
  }
  return Object.assign((...params: Param[]) => on(db, ...params), { on })
}
