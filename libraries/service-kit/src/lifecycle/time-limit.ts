/**
 * `work`'s outcome, or `onLate()`'s if `ms` pass first (it may throw, to fail the wait). The timer
 * is cleared either way, so a finished wait keeps no process alive; an infinite `ms` sets none.
 * `work` itself is not cancelled: a caller that can withdraw it does so in `onLate`.
 */
export async function withTimeLimit<T, L>(work: Promise<T>, ms: number, onLate: () => L): Promise<T | L> {
  if (!Number.isFinite(ms)) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<L>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onLate());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
