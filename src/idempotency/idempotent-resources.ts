import { Injectable } from '@nestjs/common';
import { RequestContext } from '../common/context/request-context.js';

/** A resource's current representation, as its idempotent write routes answer it. */
export type ResourceAnswer = (id: number) => Promise<unknown>;

/**
 * The resources the idempotent writes make or change ('order', 'review'), each with the read that
 * answers for it. A key whose write committed but whose answer was never stored (the process died
 * between the commit and the store, or the store failed) is answered from the resource as it is
 * now instead of the write running again. The services of those writes register their kinds.
 */
@Injectable()
export class IdempotentResources {
  private readonly answers = new Map<string, ResourceAnswer>();

  register(kind: string, answer: ResourceAnswer): void {
    this.answers.set(kind, answer);
  }

  answer(kind: string, id: number): Promise<unknown> {
    const answer = this.answers.get(kind);
    // A kind in idempotency_keys that no service registers is a programming error (a 500), not a request's fault.
    if (!answer) throw new Error(`No answer registered for the idempotent resource kind ${kind}`);
    return answer(id);
  }
}

/**
 * The last argument of place_order, change_order_status and add_review (migration
 * 1765100000000): the Idempotency-Key the current request holds and the kind of resource the
 * write makes, as JSON text; null without a key. The function marks the key's row with the
 * resource it wrote in the write's own transaction.
 */
export function heldKeyArgument(resource: string): string | null {
  const held = RequestContext.idempotencyKey();
  return held ? JSON.stringify({ ...held, resource }) : null;
}
