/** MariaDB's server-wide status counters (`SHOW GLOBAL STATUS`), read by name: any account may. */
import type { createDatabase } from '@ecom/service-kit/db';

/** Each named counter's value now (0 for a name the server does not have). */
export async function globalStatus(
  db: ReturnType<typeof createDatabase>,
  names: readonly string[],
): Promise<Record<string, number>> {
  const [rows] = (await db.raw('SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [[...names]])) as [
    { Variable_name: string; Value: string }[],
  ];
  const values = new Map(rows.map((row) => [row.Variable_name, Number(row.Value)]));
  return Object.fromEntries(names.map((name) => [name, values.get(name) ?? 0]));
}
