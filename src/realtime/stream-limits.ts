import {
  applyDecorators,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  Global,
  HttpException,
  HttpStatus,
  Injectable,
  type MessageEvent,
  Module,
  type NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { finalize, Observable } from 'rxjs';
import { AccessModule } from '../access/access.module.js';
import { PrincipalResolver } from '../access/principal-resolver.js';
import { sessionOwnerOf } from '../access/principal.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { RETRY_AFTER_HEADER } from '../common/http/api-errors.decorator.js';
import { AppConfig } from '../config/app-config.js';

/**
 * Retry-After of a refused stream. When a slot frees cannot be known (it frees when some stream of
 * the caller, or of anyone on a full instance, closes); a few seconds keeps a reconnect loop from
 * hammering the instance while a closed tab's slot is reused soon after.
 */
export const STREAM_RETRY_AFTER_SECONDS = 5;

/** The event that ends a stream whose access token expired: reconnect with a fresh token. */
export const TOKEN_EXPIRED_EVENT = 'reconnect';
export const TOKEN_EXPIRED_REASON = 'The access token that opened this stream has expired: reconnect with a fresh one';

/** One open stream's slot; `release` is idempotent (the stream's end and the socket's close both call it). */
export interface StreamLease {
  readonly principal: string;
  release(): void;
}

/**
 * How many server-sent-event streams are open on this instance, in all and per principal, against
 * SSE_MAX_STREAMS_PER_INSTANCE and SSE_MAX_STREAMS_PER_PRINCIPAL. Every stream route registers
 * here through {@link LimitedStream}, so the instance cap covers all of them together.
 */
@Injectable()
export class StreamLimits {
  private readonly perPrincipal = new Map<string, number>();
  private total = 0;
  private readonly leases = new WeakMap<FastifyRequest, StreamLease>();

  constructor(
    private readonly config: AppConfig,
    private readonly resolver: PrincipalResolver,
  ) {}

  /** A slot for `principal`, or why there is none. */
  tryOpen(principal: string): StreamLease | 'principal-full' | 'instance-full' {
    const { maxPerPrincipal, maxPerInstance } = this.config.streams;
    const held = this.perPrincipal.get(principal) ?? 0;
    if (held >= maxPerPrincipal) return 'principal-full';
    if (this.total >= maxPerInstance) return 'instance-full';
    this.perPrincipal.set(principal, held + 1);
    this.total++;
    let released = false;
    return {
      principal,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perPrincipal.get(principal) ?? 1) - 1;
        if (left > 0) this.perPrincipal.set(principal, left);
        else this.perPrincipal.delete(principal);
      },
    };
  }

  /** Streams open on this instance: in all, and of one principal. */
  open(principal?: string): number {
    return principal === undefined ? this.total : (this.perPrincipal.get(principal) ?? 0);
  }

  /** Called by {@link StreamLimitGuard} once the request holds a slot. */
  attach(request: FastifyRequest, lease: StreamLease): void {
    this.leases.set(request, lease);
  }

  leaseOf(request: FastifyRequest): StreamLease | undefined {
    return this.leases.get(request);
  }

  /** When the credentials that opened the request expire (ms since the epoch); undefined: they do not (ADMIN_TOKEN). */
  credentialsExpireAt(request: FastifyRequest): number | undefined {
    const credentials = this.resolver.credentials(request);
    return credentials.kind === 'valid' ? credentials.expiresAt : undefined;
  }
}

/**
 * Takes a slot before the stream opens, so a refusal is still an HTTP status: 429 with Retry-After
 * when the caller already holds SSE_MAX_STREAMS_PER_PRINCIPAL streams here, or the instance
 * SSE_MAX_STREAMS_PER_INSTANCE. The slot is released when the response closes, however it ends
 * (completed, cut by the client, or refused by a later guard).
 */
@Injectable()
export class StreamLimitGuard implements CanActivate {
  constructor(private readonly limits: StreamLimits) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    // The access guard ran first: a stream route is never public, so there is a principal.
    const principal = request.principal ? sessionOwnerOf(request.principal) : `address:${request.ip}`;
    const lease = this.limits.tryOpen(principal);
    if (typeof lease === 'string') {
      reply.header('retry-after', String(STREAM_RETRY_AFTER_SECONDS));
      throw new HttpException(
        lease === 'principal-full'
          ? 'Too many open event streams for this account: close one, or retry after the number of seconds in Retry-After'
          : 'This instance holds as many event streams as it may: retry after the number of seconds in Retry-After',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.limits.attach(request, lease);
    reply.raw.once('close', () => lease.release());
    return true;
  }
}

/**
 * Ends the stream when the access token that opened it expires, with a "reconnect" event
 * (data {reason}), so a stream never outlives the credentials that admitted it; and releases the
 * slot as soon as the stream ends.
 */
@Injectable()
export class StreamLifetimeInterceptor implements NestInterceptor {
  constructor(private readonly limits: StreamLimits) {}

  intercept(context: ExecutionContext, next: CallHandler<MessageEvent>): Observable<MessageEvent> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const expiresAt = this.limits.credentialsExpireAt(request);
    const lease = this.limits.leaseOf(request);
    const events = next.handle();
    const bounded = expiresAt === undefined ? events : endAt(events, expiresAt);
    return bounded.pipe(finalize(() => lease?.release()));
  }
}

/** `events` until `expiresAt`, then one token-expired "reconnect" event and the end. */
export function endAt(events: Observable<MessageEvent>, expiresAt: number): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    const timer = setTimeout(
      () => {
        subscriber.next({ type: TOKEN_EXPIRED_EVENT, data: { reason: TOKEN_EXPIRED_REASON } });
        subscriber.complete();
      },
      Math.max(0, expiresAt - Date.now()),
    );
    const subscription = events.subscribe(subscriber);
    return () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    };
  });
}

/**
 * A server-sent-event route bounded by {@link StreamLimits}: counted against the per-principal and
 * per-instance caps (429 beyond) and ended when the caller's access token expires. Put it above the
 * route's own guards (e.g. a 404 check), so they run before a slot is taken.
 */
export const LimitedStream = () =>
  applyDecorators(
    UseGuards(StreamLimitGuard),
    UseInterceptors(StreamLifetimeInterceptor),
    ApiResponse({
      status: 429,
      type: ErrorBody,
      headers: RETRY_AFTER_HEADER,
      description:
        'Too many open event streams: the caller holds SSE_MAX_STREAMS_PER_PRINCIPAL on this instance, or the instance ' +
        'SSE_MAX_STREAMS_PER_INSTANCE; Retry-After says when to try again',
    }),
  );

/** Makes {@link StreamLimits} one per process and injectable wherever a stream route is declared. */
@Global()
@Module({
  imports: [AccessModule],
  providers: [StreamLimits, StreamLimitGuard, StreamLifetimeInterceptor],
  exports: [StreamLimits, StreamLimitGuard, StreamLifetimeInterceptor],
})
export class StreamLimitsModule {}
