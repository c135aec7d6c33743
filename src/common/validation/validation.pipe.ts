import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, ValidationFailedException } from '../errors/validation-failed.exception.js';
import { plainInputErrors } from './plain-input.js';

const CHECKED_INPUTS = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

/**
 * Bodies and queries: unknown fields are refused, and each failure names its field and rule.
 * Path parameters are left as the strings they arrived as, so ParseIdPipe sees "1e3" or "0x10"
 * and refuses them instead of receiving the number JavaScript would make of them.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (CHECKED_INPUTS.has(metadata.type)) {
      const errors = plainInputErrors(value, metadata.data ?? metadata.type);
      if (errors.length > 0) throw new ValidationFailedException(errors);
    }
    // JSON `null` is a body, but not the object a DTO describes (Nest lets it through as "no body").
    if (metadata.type === 'body' && value === null && metadata.metatype && metadata.metatype !== Object) {
      throw ValidationFailedException.single('body', 'isObject', 'Validation failed (object is expected)');
    }
    return super.transform(value, metadata);
  }

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
