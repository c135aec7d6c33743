import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { ApiErrors } from '../http/api-errors.decorator.js';

export const ADMIN_BEARER = 'admin';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admits a request carrying `Authorization: Bearer <ADMIN_TOKEN>`. Compared in constant time over
 * digests (so neither content nor length leaks); with no ADMIN_TOKEN configured, nobody is admitted.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: AppConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (this.expected && scheme?.toLowerCase() === 'bearer' && token && timingSafeEqual(digest(token), this.expected)) {
      return true;
    }
    throw new UnauthorizedException('This operation needs the admin bearer token (Authorization: Bearer <ADMIN_TOKEN>)');
  }
}

/** Marks a route (or controller) as an operations endpoint that needs the admin token. */
export const AdminOnly = () => applyDecorators(UseGuards(AdminTokenGuard), ApiBearerAuth(ADMIN_BEARER), ApiErrors(401));
