import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CACHE_POLICY, type CachePolicy } from './cache-policy.js';

/** A route's handler and the policy its decorator registered (with any conditional TTL). */
export interface RouteReader {
  policy: CachePolicy;
  read: (id: number) => Promise<unknown>;
}

/**
 * Finds the controller method behind each @Cached policy, so a write can re-read a route's
 * current representation through the same code the GET uses (write-through). Only routes whose
 * handler takes the id as its only argument are registered.
 */
@Injectable()
export class WriteThroughRegistry implements OnApplicationBootstrap {
  private readonly readers = new Map<string, RouteReader>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, (...args: unknown[]) => Promise<unknown>> | undefined;
      if (!instance) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const policy = this.reflector.get<CachePolicy | undefined>(CACHE_POLICY, instance[method]);
        if (policy && instance[method].length === 1) {
          this.readers.set(policy.name, { policy, read: (id) => instance[method](id) });
        }
      }
    }
  }

  reader(policy: CachePolicy): RouteReader | undefined {
    return this.readers.get(policy.name);
  }
}
