/**
 * Deletes a backlog in batches: `deleteBatch(limit)` runs one `DELETE … LIMIT limit` (its own
 * short autocommitted statement, so a backlog of millions never holds locks on the table or grows
 * the undo log for long) and resolves with the rows it deleted; batches repeat until one comes
 * back short, or `maxBatches` ran (the rest waits for the next run). Resolves with the total.
 */
export async function deleteInBatches(
  batchSize: number,
  deleteBatch: (limit: number) => Promise<number>,
  maxBatches = 100,
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) break;
  }
  return total;
}
