/**
 * Runs `work` for every item with at most `limit` running at once, and returns the results in the
 * items' order. The first failure rejects the whole call once the items already running have settled
 * (none is left half-way behind the caller's back); no new item starts after a failure.
 *
 * @example
 * ```ts
 * const outcomes = await mapWithConcurrency(directoryIds, 5, (id) => updateOne(id));
 * ```
 */
export async function mapWithConcurrency<Item, Result>(
  items: readonly Item[],
  limit: number,
  work: (item: Item, index: number) => Promise<Result>,
): Promise<Result[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
  const results: Result[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index] as Item, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
