import type { FieldError } from '../errors/error-body.js';

/** Deeper than any request DTO (an order line's field is 3 levels down), shallow enough for the transformer's recursion. */
export const MAX_INPUT_DEPTH = 32;

const NUL = '\u0000';
/** Keys class-transformer takes for the object's own machinery: never a field, and not caught by the whitelist. */
const RESERVED_KEYS = new Set(['constructor', '__proto__']);
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What no DTO rule can say about a request value as it arrived (a body, a query object or one path
 * parameter), checked before class-transformer walks it: nesting deeper than {@link MAX_INPUT_DEPTH}
 * (its recursion would overflow the stack, a 500), a `constructor` or `__proto__` key (dropped
 * silently otherwise, where any other unknown field is refused), and text Postgres cannot store as
 * sent (a NUL character, or an unpaired UTF-16 surrogate that would be stored as U+FFFD). Walks iteratively,
 * so the input's depth cannot overflow this check either. `root` names the value itself.
 */
export function plainInputErrors(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop()!;
    const field = path || root;
    if (typeof current === 'string') {
      if (current.includes(NUL)) errors.push({ field, rule: 'no_nul_character', message: `${field} must not contain a NUL character` });
      else if (UNPAIRED_SURROGATE.test(current))
        errors.push({ field, rule: 'well_formed_unicode', message: `${field} must be well-formed Unicode (no unpaired surrogates)` });
    } else if (current !== null && typeof current === 'object') {
      if (depth >= MAX_INPUT_DEPTH) {
        errors.push({ field, rule: 'max_depth', message: `${field} is nested more than ${MAX_INPUT_DEPTH} levels deep` });
        continue;
      }
      const entries = Object.entries(current);
      for (const [key] of entries) {
        const child = path ? `${path}.${key}` : key;
        if (RESERVED_KEYS.has(key)) errors.push({ field: child, rule: 'unknown_field', message: `${child} is not an accepted field` });
      }
      // Pushed last to first, so fields are reported in the order they were sent.
      for (const [key, child] of entries.reverse()) {
        if (!RESERVED_KEYS.has(key)) pending.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
      }
    }
  }
  return errors;
}
