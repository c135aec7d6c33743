import { randomInt } from 'node:crypto';
import type { HttpClient, HttpResponse } from './http-client.js';
import type { TestApp } from './test-app.js';

/*
 * Support for the cache cascade suite: two cached instances sharing Redis and Postgres, an
 * uncached one on the same database as the source of truth, and builders that arrange data
 * through the API so that every arrangement fires its domain events like production writes do.
 */

export interface Instance {
  name: string;
  app: TestApp;
}

/** What a route must answer once the write is done; throws (a jest assertion) when it does not. */
export type FreshCheck = (response: HttpResponse) => void;

/** Every route that shows the changed data, by path, with its check. */
export type Probes = Record<string, FreshCheck>;

interface Warmed {
  status: number;
  text: string;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const SNIPPET = 90;

const plain = (message: string) => message.replace(ANSI, '').replace(/\s+/g, ' ').trim().slice(0, 600);

/** Where two bodies first differ, with a little context on each side. */
function difference(served: string, truth: string): string {
  let at = 0;
  while (at < served.length && at < truth.length && served[at] === truth[at]) at++;
  const from = Math.max(0, at - SNIPPET);
  return `served …${served.slice(from, at + SNIPPET)}… where the database gives …${truth.slice(from, at + SNIPPET)}…`;
}

/** Error bodies carry the request id, which differs on every request. */
function errorShape(response: HttpResponse): string {
  if (typeof response.body !== 'object' || response.body === null) return response.text;
  const { request_id: _requestId, ...rest } = response.body as Record<string, unknown>;
  return JSON.stringify(rest);
}

/**
 * Warms routes on both cached instances, runs a write through one of them and checks that every
 * route, read right after through the other instance and the writer, answers what the uncached
 * instance answers, passes its exact checks and has changed since it was warmed.
 */
export class CascadeHarness {
  constructor(
    readonly a: Instance,
    readonly b: Instance,
    /** CACHE_ENABLED=false on the same database: what a fresh answer is. */
    readonly oracle: TestApp,
  ) {}

  instance(name: 'A' | 'B'): Instance {
    return name === 'A' ? this.a : this.b;
  }

  other(name: 'A' | 'B'): Instance {
    return name === 'A' ? this.b : this.a;
  }

  /**
   * Reads each path through A and B until each serves it from its own L1 (a second read must
   * be HIT-L1), and checks the cached answers agree with the database before anything is written.
   */
  async warm(paths: string[]): Promise<Map<string, Warmed>> {
    const warmed = new Map<string, Warmed>();
    const problems: string[] = [];
    for (const path of paths) {
      const truth = await this.oracle.admin.get(path);
      if (truth.status !== 200) {
        problems.push(`GET ${path} cannot be warmed: the database answers ${truth.status} ${plain(truth.text)}`);
        continue;
      }
      warmed.set(path, { status: truth.status, text: truth.text });
      for (const { name, app } of [this.a, this.b]) {
        const first = await app.admin.get(path);
        const second = await app.admin.get(path);
        const outcome = second.headers.get('x-cache');
        if (outcome !== 'HIT-L1') {
          problems.push(`${name} GET ${path}: second read answered X-Cache ${outcome} (first ${first.headers.get('x-cache')}), not HIT-L1`);
        }
        if (second.text !== truth.text) {
          problems.push(`${name} GET ${path} is stale BEFORE the write (after arranging): ${difference(second.text, truth.text)}`);
        }
      }
    }
    if (problems.length > 0) throw new Error(`Warming failed:\n${problems.join('\n')}`);
    return warmed;
  }

  /** The stale answers and failed checks after the write, one line each; empty when all is fresh. */
  async staleAfter(warmed: Map<string, Warmed>, probes: Probes, readers: Instance[]): Promise<string[]> {
    const problems: string[] = [];
    for (const [path, check] of Object.entries(probes)) {
      const truth = await this.oracle.admin.get(path);
      const before = warmed.get(path)!;
      if (truth.status === before.status && truth.text === before.text) {
        problems.push(`GET ${path}: the write did not change it in the database, so the probe proves nothing (test design)`);
      }
      for (const { name, app } of readers) {
        const served = await app.admin.get(path);
        const where = `${name} GET ${path} [X-Cache ${served.headers.get('x-cache') ?? '-'}]`;
        const stale = this.staleness(served, truth);
        if (stale) {
          problems.push(`${where}: ${stale}`);
          continue;
        }
        // Fresh by the database's word; the exact checks also guard against both being wrong.
        try {
          check(served);
        } catch (error) {
          problems.push(`${where}: ${plain((error as Error).message)}`);
        }
      }
    }
    return problems;
  }

  /** How a served answer differs from the database's, or undefined when it does not. */
  private staleness(served: HttpResponse, truth: HttpResponse): string | undefined {
    if (served.status !== truth.status) return `status ${served.status} where the database gives ${truth.status}`;
    if (served.status >= 300) {
      const [shape, trueShape] = [errorShape(served), errorShape(truth)];
      return shape === trueShape ? undefined : difference(shape, trueShape);
    }
    const [count, trueCount] = [served.headers.get('x-total-count'), truth.headers.get('x-total-count')];
    const countNote = count === trueCount ? '' : ` (X-Total-Count ${count} where the database gives ${trueCount})`;
    if (served.text !== truth.text) return difference(served.text, truth.text) + countNote;
    return countNote ? countNote.slice(2, -1) : undefined;
  }

  /**
   * Warms every probed route, performs `write` through `writer`, then reads every route through
   * the other instance and the writer. Returns what was stale.
   */
  async afterWrite(writer: 'A' | 'B', probes: Probes, write: (http: HttpClient) => Promise<void>): Promise<string[]> {
    const warmed = await this.warm(Object.keys(probes));
    await write(this.instance(writer).app.admin);
    return this.staleAfter(warmed, probes, [this.other(writer), this.instance(writer)]);
  }
}

export function expectStatus<T = any>(response: HttpResponse<T>, status: number, what: string): T {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${response.text}`);
  return response.body;
}

/** Lower-case letters only, so capitalisation rules (cuisines, categories) keep them recognisable. */
export function letters(length: number): string {
  return Array.from({ length }, () => String.fromCharCode(97 + randomInt(26))).join('');
}

export const capitalised = (word: string) => word[0].toUpperCase() + word.slice(1);

export type Json = any;

/** Builds data through the API of one (cached) instance, with names unique to the run. */
export class TiffinBuilder {
  private counter = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly runToken = letters(6),
  ) {}

  /**
   * A lower-case word unique to this run and call, e.g. for a cuisine, category or address. All
   * have the same length, so none is a substring of another (searches match substrings).
   */
  token(): string {
    let n = this.counter++;
    let suffix = '';
    for (let digit = 0; digit < 3; digit++, n = Math.floor(n / 26)) suffix = String.fromCharCode(97 + (n % 26)) + suffix;
    return `${this.runToken}${suffix}`;
  }

  async restaurant(values: Record<string, unknown> = {}): Promise<Json> {
    const token = this.token();
    const body = {
      name: `Restaurant ${capitalised(token)}`,
      cuisine_type: `Cuisine ${capitalised(token)}`,
      address: `1 ${capitalised(token)} Street`,
      phone_number: '+1-555-0100',
      ...values,
    };
    return expectStatus(await this.http.post('/restaurants', body), 201, 'creating a restaurant');
  }

  async menuItem(restaurantId: number, values: Record<string, unknown> = {}): Promise<Json> {
    const token = this.token();
    const body = { name: `Dish ${capitalised(token)}`, price: 12, category: `Category ${capitalised(token)}`, ...values };
    return expectStatus(await this.http.post(`/restaurants/${restaurantId}/menu-items`, body), 201, 'creating a menu item');
  }

  async customer(values: Record<string, unknown> = {}): Promise<Json> {
    const token = this.token();
    const body = {
      name: `Customer ${capitalised(token)}`,
      email: `${token}@example.com`,
      phone_number: '+1-555-0200',
      address: `2 ${capitalised(token)} Avenue`,
      ...values,
    };
    return expectStatus(await this.http.post('/customers', body), 201, 'creating a customer');
  }

  /** Places an order of `lines` ([menu item id, quantity]) and moves it through `statuses`. */
  async order(customerId: number, restaurantId: number, lines: [number, number][], ...statuses: string[]): Promise<Json> {
    const body = {
      restaurant_id: restaurantId,
      delivery_address: '3 Delivery Road',
      order_items: lines.map(([menu_item_id, quantity]) => ({ menu_item_id, quantity })),
    };
    let order = expectStatus(await this.http.post(`/orders/customers/${customerId}/orders`, body), 201, 'placing an order');
    for (const status of statuses) order = await this.setStatus(order.id, status, this.http);
    return order;
  }

  /** The statuses that lead from placed to `target`, in order. */
  static pathTo(target: 'confirmed' | 'preparing' | 'out_for_delivery' | 'delivered'): string[] {
    const workflow = ['confirmed', 'preparing', 'out_for_delivery', 'delivered'];
    return workflow.slice(0, workflow.indexOf(target) + 1);
  }

  async setStatus(orderId: number, status: string, http = this.http): Promise<Json> {
    const response = await http.put(`/orders/${orderId}/status`, { order_status: status });
    return expectStatus(response, 200, `moving order ${orderId} to ${status}`);
  }

  async review(orderId: number, customerId: number, rating: number, http = this.http): Promise<Json> {
    const response = await http.post(`/reviews/orders/${orderId}/review?customer_id=${customerId}`, {
      rating,
      comment: `Rated ${rating}`,
    });
    return expectStatus(response, 201, `reviewing order ${orderId}`);
  }
}
