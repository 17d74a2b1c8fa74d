/**
 * Polls `probe` until it gives a value and resolves with it; rejects after `ms`, naming `what`.
 * Usable in hooks and for values, unlike `expect.poll`.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms: number,
  everyMs: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
