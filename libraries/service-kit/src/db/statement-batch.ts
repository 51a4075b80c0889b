import type { Knex } from 'knex';

/** A statement as knex compiles it (`builder.toSQL()`): SQL with `?` placeholders and its values. */
export type CompiledStatement = Pick<Knex.Sql, 'sql' | 'bindings'>;

/** What MySQL reports for a statement that writes. */
export interface WriteOutcome {
  readonly affectedRows: number;
}

/**
 * Sends `statements` to MySQL in ONE round trip (mysql2 `multipleStatements`, enabled by
 * createDatabase) and resolves with each one's outcome, in order. Each statement keeps its own
 * bound values, which the driver escapes as it does for a single query. In a transaction, one
 * that fails rejects the call and the caller's transaction rolls back whatever ran before it.
 * Worth it where a transaction's writes do not depend on each other's results: each round trip
 * saved is a socket write, a read and a wake-up on both sides, and these dominate a short
 * statement's cost (docs/performance.md, "Where the sync path's time goes").
 */
export async function runStatementBatch(
  db: Knex | Knex.Transaction,
  statements: readonly CompiledStatement[],
): Promise<WriteOutcome[]> {
  if (statements.length === 0) return [];
  const sql = statements.map((statement) => statement.sql).join(';\n');
  const bindings = statements.flatMap((statement) => statement.bindings);
  const [results] = (await db.raw(sql, bindings as Knex.RawBinding[])) as [WriteOutcome | WriteOutcome[]];
  return statements.length === 1 ? [results as WriteOutcome] : (results as WriteOutcome[]);
}
