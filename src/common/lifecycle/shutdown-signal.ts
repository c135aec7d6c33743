import { Injectable } from '@nestjs/common';

/**
 * Raised once, when the process starts draining for shutdown and before the HTTP server stops
 * taking connections. Work that would otherwise hold the server open, such as an event stream
 * that never ends by itself, listens for it and finishes cleanly instead of being cut.
 */
@Injectable()
export class ShutdownSignal {
  private readonly controller = new AbortController();

  /** Aborted when draining begins. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  begin(): void {
    this.controller.abort();
  }
}
