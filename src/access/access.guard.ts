import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { malformedId, parseId } from '../common/validation/parse-id.pipe.js';
import { ValidationFailedException } from '../common/errors/validation-failed.exception.js';
import { type Principal, sessionOwnerOf } from './principal.js';
import { PrincipalResolver } from './principal-resolver.js';
import { AccessLookups, type Ownership } from './access-lookups.repository.js';
import { ACCESS_GRANTS, describeAccess } from './access.decorators.js';
import { HandlerMetadata } from '../common/http/handler-metadata.js';
import type { Grant, IdSource } from './grants.js';

/** `me` in a customer path stands for the caller's own customer id. */
export const SELF = 'me';

/**
 * The outcome of one grant: permitted or refused. There is no third outcome: an id the guard
 * cannot read is a 400 here (the same rule and message as the route's own validation), and an id
 * that names no row refuses, so a route is never reached on a grant nobody checked.
 */
type Verdict = 'permit' | 'refuse';

/**
 * The one place that decides who may call what. Runs on every route before pipes, interceptors
 * (so before the cache) and handlers. Public routes ignore credentials altogether, as the L1 fast
 * path answers them before any guard; every other route needs valid credentials (401) and a grant
 * that admits the caller (403). Admins pass every route.
 *
 * Fails closed: ids are read with {@link parseId}, the parser the route's pipes and query DTOs use,
 * so the row the guard judged is the row the handler reads; a malformed id is a 400 and an id that
 * names nothing (yet) is a 403, whatever exists by the time the handler would run.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  /** A route's grants are declared once, on its handler or controller. */
  private readonly grants: HandlerMetadata<Grant[]>;

  constructor(
    reflector: Reflector,
    private readonly resolver: PrincipalResolver,
    private readonly lookups: AccessLookups,
    private readonly config: AppConfig,
  ) {
    this.grants = new HandlerMetadata(
      (handler, controller) => reflector.getAllAndOverride<Grant[] | undefined>(ACCESS_GRANTS, [handler, controller]) ?? [],
    );
  }

  /** A public route is judged synchronously: Nest awaits only a guard that returns a promise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const grants = this.grants.of(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (grants.some((grant) => grant.kind === 'public' || (grant.kind === 'public-if' && grant.when(this.config)))) {
      const credentials = this.resolver.credentials(request);
      request.principal = credentials.kind === 'valid' ? credentials.principal : null;
      if (request.principal) request.sessionOwner = sessionOwnerOf(request.principal);
      return true;
    }
    const principal = this.resolver.require(request);
    request.principal = principal;
    request.sessionOwner = sessionOwnerOf(principal);
    if (principal.role === 'admin') return true;
    return this.judgeAll(grants, principal, request);
  }

  private async judgeAll(grants: Grant[], principal: Principal, request: FastifyRequest): Promise<boolean> {
    for (const grant of grants) {
      if ((await this.judge(grant, principal, request)) === 'permit') return true;
    }
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
        return this.ownedBy(principal, 'restaurant_owner', grant.id, request, (id) => this.lookups.restaurant(id));
      case 'menu-item-owner':
        return this.ownedBy(principal, 'restaurant_owner', grant.id, request, (id) => this.lookups.menuItem(id));
      case 'order-party':
        return this.orderParty(principal, grant.id, request, grant);
      case 'order-status-change': {
        const allowed = grant.settableBy[principal.role];
        if (!allowed) return 'refuse';
        const status = (request.body as Record<string, unknown> | undefined)?.[grant.statusField];
        // Which statuses a caller may set decides the grant: without a readable one nothing is admitted.
        if (typeof status !== 'string') {
          throw ValidationFailedException.single(grant.statusField, 'isString', `${grant.statusField} must be a string`);
        }
        if (!allowed.includes(status)) return 'refuse';
        return this.orderParty(principal, grant.id, request, {
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
    const id = this.idIn(request, source);
    return id === principal.customerId ? 'permit' : 'refuse';
  }

  private async ownedBy(
    principal: Principal,
    role: Principal['role'],
    source: IdSource,
    request: FastifyRequest,
    lookup: (id: number) => Promise<Ownership | null>,
  ): Promise<Verdict> {
    if (principal.role !== role || principal.accountId === null) return 'refuse';
    const id = this.idIn(request, source);
    if (id === 'absent') return 'refuse';
    const ownership = await lookup(id);
    return ownership !== null && ownership.ownerAccountId === principal.accountId ? 'permit' : 'refuse';
  }

  private async orderParty(
    principal: Principal,
    source: IdSource,
    request: FastifyRequest,
    parties: { customer: boolean; owner: boolean },
  ): Promise<Verdict> {
    const asCustomer = parties.customer && principal.role === 'customer';
    const asOwner = parties.owner && principal.role === 'restaurant_owner';
    if (!asCustomer && !asOwner) return 'refuse';
    const id = this.idIn(request, source);
    if (id === 'absent') return 'refuse';
    const order = await this.lookups.order(id);
    if (!order) return 'refuse';
    if (asCustomer && order.customerId === principal.customerId) return 'permit';
    if (asOwner && order.ownerAccountId === principal.accountId) return 'permit';
    return 'refuse';
  }

  /**
   * The id a grant is about, read by {@link parseId} exactly as the route's pipe or query DTO will
   * read it: a malformed one is a 400 here; a missing query id refuses, as a route filtered by an
   * optional id would otherwise answer for everyone's.
   */
  private idIn(request: FastifyRequest, source: IdSource): number | 'absent' {
    const value = ((source.in === 'param' ? request.params : request.query) as Record<string, unknown>)[source.name];
    if (value === undefined) return 'absent';
    const id = parseId(value);
    if (id === undefined) throw malformedId(source.name);
    return id;
  }
}
