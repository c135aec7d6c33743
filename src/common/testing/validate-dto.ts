import type { Type } from '@nestjs/common';
import type { FieldError } from '../errors/error-body.js';
import { ValidationFailedException } from '../errors/validation-failed.exception.js';
import { createValidationPipe } from '../validation/validation.pipe.js';

/** Runs a plain body or query through the app's own validation pipe, for DTO unit specs. */
export async function validateDto<T>(
  metatype: Type<T>,
  plain: object,
  type: 'body' | 'query' = 'body',
): Promise<{ value?: T; errors?: FieldError[] }> {
  try {
    return { value: (await createValidationPipe().transform(plain, { type, metatype })) as T };
  } catch (error) {
    if (error instanceof ValidationFailedException) return { errors: error.fieldErrors };
    throw error;
  }
}

/** `field:rule` of each failure, for compact assertions. */
export const rulesOf = (errors: FieldError[] | undefined) => (errors ?? []).map(({ field, rule }) => `${field}:${rule}`);
