export interface DeliveryReport {
  delivered: boolean;
  attempts: number;
  lastError?: string;
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts (so shutdown does not wait out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // The abort's own reason, as the platform's abortable APIs reject with (an AbortError unless the caller gave another).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the abort's reason, as above
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Tries `attempt` once and then once after each of `delaysMs` (e.g. 500, 1000, 2000: exponential
 * backoff), until one succeeds. Never throws: a wait that is aborted ends the delivery as failed.
 */
export async function retryWithBackoff(
  attempt: () => Promise<void>,
  delaysMs: readonly number[],
  wait: (ms: number) => Promise<void> = sleep,
): Promise<DeliveryReport> {
  let attempts = 0;
  let lastError: string | undefined;
  for (let index = 0; index <= delaysMs.length; index++) {
    if (index > 0) {
      try {
        await wait(delaysMs[index - 1]);
      } catch {
        break;
      }
    }
    attempts++;
    try {
      await attempt();
      return { delivered: true, attempts };
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  return { delivered: false, attempts, lastError };
}
