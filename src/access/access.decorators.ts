import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { OPEN_TO_ANYONE } from '../common/http/route-declarations.js';
import { BEARER_SCHEME } from '../common/http/openapi-security.js';
import { Anyone, describeGrant, type Grant } from './grants.js';

export const ACCESS_GRANTS = Symbol('tiffin:access-grants');

/** Whether a route's grants open it to anonymous callers unconditionally. */
export const isPublicAccess = (grants: readonly Grant[] | undefined): boolean => grants?.some((grant) => grant.kind === 'public') ?? false;

/** How a route's access reads in the API document (also the `x-access` extension). */
export function describeAccess(grants: readonly Grant[]): string {
  if (isPublicAccess(grants)) return 'anyone';
  return ['an admin', ...grants.map(describeGrant)].join('; or ');
}

/**
 * Who may call a route (or every route of a controller) besides an admin. With no grant the route
 * is admin-only; that is also what a route without this decorator is.
 */
export const Allow = (...grants: Grant[]) => {
  return applyDecorators(
    SetMetadata(ACCESS_GRANTS, grants),
    SetMetadata(OPEN_TO_ANYONE, isPublicAccess(grants)),
    ApiExtension('x-access', describeAccess(grants)),
    ...(isPublicAccess(grants) ? [] : [ApiBearerAuth(BEARER_SCHEME), ApiErrors(401, 403)]),
  );
};

/** Open to anyone, signed in or not. */
export const Public = () => Allow(Anyone);
