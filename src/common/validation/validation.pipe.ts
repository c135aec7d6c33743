import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, ValidationFailedException } from '../errors/validation-failed.exception.js';

/** Bodies and queries: unknown fields are refused, and each failure names its field and rule. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
  });
}
