import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, ValidationFailedException } from '../errors/validation-failed.exception.js';

/**
 * Bodies and queries: unknown fields are refused, and each failure names its field and rule.
 * Path parameters are left as the strings they arrived as, so ParseIdPipe sees "1e3" or "0x10"
 * and refuses them instead of receiving the number JavaScript would make of them.
 */
class RequestValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedException(flattenValidationErrors(errors)),
  });
}
