/**
 * Polls `check` every `intervalMs` until it holds, and returns how long that took (ms); throws once `timeoutMs` has
 * passed. For what another process, or the database, makes true in its own time.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return performance.now() - started;
}
