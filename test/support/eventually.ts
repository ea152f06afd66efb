/**
 * Polls `probe` until it returns a value (anything but undefined) or `timeoutMs` passes, then fails
 * naming `what`. The one way tests wait for effects that land shortly after a response: alerts
 * evaluated after commit, events written by the audit buffer, a replica seeing a policy change,
 * a child process reaching a state.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 5_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
