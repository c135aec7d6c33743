import { ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';

/** 404 naming the resource and the id that was not found. */
export class ResourceNotFoundException extends NotFoundException {
  constructor(resource: string, id: number | string) {
    super(`${resource} ${id} not found`);
  }
}

export class ConflictError extends ConflictException {}

/** 503 for a moment's overload: the client may retry after `retryAfterSeconds` (sent as Retry-After). */
export class RetryLaterException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
