/** What a truthy check returns: its value without the falsy members of its type. */
export type Truthy<T> = Exclude<T, false | 0 | 0n | '' | null | undefined>;

export interface EventuallyOptions {
  /** How long the condition may take to hold; 10 s by default. */
  timeoutMs?: number;
  /** Pause between two checks; 50 ms by default. */
  intervalMs?: number;
}

/**
 * Polls `condition` until it returns a truthy value and returns that value. A check that throws
 * (an `expect` inside it, a request that fails while a dependency restarts) counts as "not yet".
 * After `timeoutMs` it fails with `what` and the last value or error seen, so a failure says what
 * the test was waiting for rather than timing the whole test out.
 */
export async function eventually<T>(
  what: string,
  condition: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown };
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen = 'error' in last ? `the last check threw ${describe(last.error)}` : `the last check returned ${describe(last.value)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}: ${seen}`, 'error' in last ? { cause: last.error } : undefined);
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/**
 * Lets time pass. Only for a test about time passing (a TTL running out, a steady phase of a
 * load, a period with nothing happening); a test waiting for something to happen uses `eventually`.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
