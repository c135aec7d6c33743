import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { parseId } from '../../common/validation/parse-id.pipe.js';
import type { Principal } from '../principal.js';
import { PrincipalResolver } from './principal-resolver.js';
import { AccessLookups, type Ownership } from './access-lookups.repository.js';
import { ACCESS_GRANTS, describeAccess } from './access.decorators.js';
import type { Grant, IdSource } from './grants.js';

/** `me` in a customer path stands for the caller's own customer id. */
export const SELF = 'me';

/**
 * The outcome of one grant: permitted, refused, or `unresolved` when the route names no valid or
 * existing resource, in which case the request goes on and the route answers its own 400 or 404
 * (the caller learns nothing a 403 would hide that the public routes do not already say).
 */
type Verdict = 'permit' | 'refuse' | 'unresolved';

/**
 * The one place that decides who may call what. Runs on every route before pipes, interceptors
 * (so before the cache) and handlers. Public routes ignore credentials altogether, as the L1 fast
 * path answers them before any guard; every other route needs valid credentials (401) and a grant
 * that admits the caller (403). Admins pass every route.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
    private readonly lookups: AccessLookups,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const grants = this.reflector.getAllAndOverride<Grant[] | undefined>(ACCESS_GRANTS, [context.getHandler(), context.getClass()]) ?? [];
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (grants.some((grant) => grant.kind === 'public' || (grant.kind === 'public-if' && grant.when(this.config)))) {
      const credentials = this.resolver.credentials(request);
      request.principal = credentials.kind === 'valid' ? credentials.principal : null;
      return true;
    }
    const principal = this.resolver.require(request);
    request.principal = principal;
    if (principal.role === 'admin') return true;
    let unresolved = false;
    for (const grant of grants) {
      const verdict = await this.judge(grant, principal, request);
      if (verdict === 'permit') return true;
      unresolved ||= verdict === 'unresolved';
    }
    if (unresolved) return true;
    throw new ForbiddenException(`Your account may not do this: it is open to ${describeAccess(grants)}`);
  }

  private async judge(grant: Grant, principal: Principal, request: FastifyRequest): Promise<Verdict> {
    switch (grant.kind) {
      case 'public-if':
        return 'refuse';
      case 'public':
      case 'signed-in':
        return 'permit';
      case 'role':
        return principal.role === grant.role ? 'permit' : 'refuse';
      case 'customer-self':
        return this.customerSelf(grant.id, principal, request);
      case 'restaurant-owner':
        return this.ownedBy(principal, 'restaurant_owner', this.idIn(request, grant.id), (id) => this.lookups.restaurant(id));
      case 'menu-item-owner':
        return this.ownedBy(principal, 'restaurant_owner', this.idIn(request, grant.id), (id) => this.lookups.menuItem(id));
      case 'order-party':
        return this.orderParty(principal, this.idIn(request, grant.id), grant);
      case 'order-status-change': {
        const allowed = grant.settableBy[principal.role];
        const status = (request.body as Record<string, unknown> | undefined)?.[grant.statusField];
        if (!allowed) return 'refuse';
        if (typeof status !== 'string') return 'unresolved';
        if (!allowed.includes(status as (typeof allowed)[number])) return 'refuse';
        return this.orderParty(principal, this.idIn(request, grant.id), {
          customer: principal.role === 'customer',
          owner: principal.role === 'restaurant_owner',
        });
      }
    }
  }

  private customerSelf(source: IdSource, principal: Principal, request: FastifyRequest): Verdict {
    if (principal.role !== 'customer' || principal.customerId === null) return 'refuse';
    const values = (source.in === 'param' ? request.params : request.query) as Record<string, unknown>;
    if (values[source.name] === SELF) values[source.name] = String(principal.customerId);
    const id = parseId(values[source.name]);
    if (id === undefined) return 'unresolved';
    return id === principal.customerId ? 'permit' : 'refuse';
  }

  private async ownedBy(
    principal: Principal,
    role: Principal['role'],
    id: number | 'malformed' | 'absent',
    lookup: (id: number) => Promise<Ownership | null>,
  ): Promise<Verdict> {
    if (principal.role !== role || principal.accountId === null || id === 'absent') return 'refuse';
    if (id === 'malformed') return 'unresolved';
    const ownership = await lookup(id);
    if (!ownership) return 'unresolved';
    return ownership.ownerAccountId === principal.accountId ? 'permit' : 'refuse';
  }

  private async orderParty(
    principal: Principal,
    id: number | 'malformed' | 'absent',
    parties: { customer: boolean; owner: boolean },
  ): Promise<Verdict> {
    const asCustomer = parties.customer && principal.role === 'customer';
    const asOwner = parties.owner && principal.role === 'restaurant_owner';
    if ((!asCustomer && !asOwner) || id === 'absent') return 'refuse';
    if (id === 'malformed') return 'unresolved';
    const order = await this.lookups.order(id);
    if (!order) return 'unresolved';
    if (asCustomer && order.customerId === principal.customerId) return 'permit';
    if (asOwner && order.ownerAccountId === principal.accountId) return 'permit';
    return 'refuse';
  }

  /**
   * The id a grant is about. A malformed one is left for the route's validation (400); a missing
   * query id refuses, as a route filtered by an optional id would otherwise answer for everyone's.
   */
  private idIn(request: FastifyRequest, source: IdSource): number | 'malformed' | 'absent' {
    const value = ((source.in === 'param' ? request.params : request.query) as Record<string, unknown>)[source.name];
    if (value === undefined) return 'absent';
    return parseId(value) ?? 'malformed';
  }
}
