import { BadRequestException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldError } from './error-body.js';

const RULE_NAMES: Record<string, string> = { whitelistValidation: 'unknown_field' };

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: RULE_NAMES[rule] ?? rule,
      message: rule === 'whitelistValidation' ? `${field} is not an accepted field` : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** A 400 that lists each failing field and rule. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super('Validation failed');
  }

  static single(field: string, rule: string, message: string): ValidationFailedException {
    return new ValidationFailedException([{ field, rule, message }]);
  }
}
