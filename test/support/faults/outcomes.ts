import type { Sample } from './load.js';

/** What a sample should have been answered; a string says why it was not, undefined means it was right. */
export type Rule = (sample: Sample) => string | undefined;

/** Whether `text` is the error body every 503 must carry. */
function isErrorBody(text: string, status: number): boolean {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return (
      body.status === status && typeof body.message === 'string' && typeof body.request_id === 'string' && typeof body.path === 'string'
    );
  } catch {
    return false;
  }
}

/** A 503 the way a client can act on it: Retry-After, and the documented error body. */
export function unavailableProblem(sample: Sample): string | undefined {
  if (sample.status !== 503) return `answered ${sample.status}${sample.error ? ` (${sample.error})` : ''}, not 503`;
  if (!sample.retryAfter || !/^\d+$/.test(sample.retryAfter)) return `503 without a Retry-After in seconds (got ${sample.retryAfter})`;
  if (!isErrorBody(sample.text, 503)) return `503 without the error body: ${sample.text.slice(0, 200)}`;
  return undefined;
}

export function answered(...statuses: number[]): Rule {
  return (sample) =>
    statuses.includes(sample.status)
      ? undefined
      : `answered ${sample.status}${sample.error ? ` (${sample.error})` : ''} ${sample.text.slice(0, 200)}, expected ${statuses.join(' or ')}`;
}

/** A 200 with exactly the body read for that path before the fault (`expected` names where it came from). */
export function sameBodyAs(bodies: Map<string, string>, expected: string): Rule {
  return (sample) =>
    sample.status !== 200
      ? `answered ${sample.status}${sample.error ? ` (${sample.error})` : ''} ${sample.text.slice(0, 200)}`
      : sample.text !== bodies.get(sample.path)
        ? `served a body that differs from ${expected}: ${sample.text.slice(0, 200)}`
        : undefined;
}

/** A success, or a clean 503 with Retry-After. */
export function answeredOrUnavailable(...statuses: number[]): Rule {
  return (sample) => (statuses.includes(sample.status) ? undefined : unavailableProblem(sample));
}

/** Each rule by sample kind; a kind without a rule is a test design error. */
export function problemsOf(samples: Sample[], rules: Record<string, Rule>, limit = 10): string[] {
  const problems: string[] = [];
  for (const sample of samples) {
    const rule = rules[sample.kind];
    const problem = rule ? rule(sample) : `no rule for the kind "${sample.kind}"`;
    if (problem) problems.push(`[${sample.phase}] ${sample.method} ${sample.path}: ${problem}`);
  }
  return problems.length > limit ? [...problems.slice(0, limit), `… and ${problems.length - limit} more`] : problems;
}
