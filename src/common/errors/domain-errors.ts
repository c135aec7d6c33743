import { ConflictException, NotFoundException } from '@nestjs/common';

/** 404 naming the resource and the id that was not found. */
export class ResourceNotFoundException extends NotFoundException {
  constructor(resource: string, id: number | string) {
    super(`${resource} ${id} not found`);
  }
}

export class ConflictError extends ConflictException {}
