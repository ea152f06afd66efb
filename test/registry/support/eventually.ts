/**
 * Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes, then fails with
 * `what`. For effects that land shortly after a response: alerts evaluated after commit, policy
 * changes seen by every instance within a second.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
