/**
 * Settles with `operation`, or rejects with `timeoutError()` after `ms`. The operation is left to
 * finish on its own; its late rejection is swallowed rather than reported as unhandled.
 */
export async function withTimeout<T>(operation: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      operation,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    operation.catch(() => {});
  }
}
