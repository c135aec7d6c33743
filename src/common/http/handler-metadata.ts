import type { ExecutionContext } from '@nestjs/common';

type Handler = ReturnType<ExecutionContext['getHandler']>;
type Controller = ReturnType<ExecutionContext['getClass']>;

/**
 * What a route declares (decorators on its handler or controller), read through Nest's Reflector
 * once per handler: the declarations are fixed once the app starts, and a Reflector lookup walks
 * reflect-metadata's maps and prototype chain on every request otherwise.
 */
export class HandlerMetadata<T> {
  private readonly byHandler = new WeakMap<object, { value: T }>();

  constructor(private readonly read: (handler: Handler, controller: Controller) => T) {}

  of(context: ExecutionContext): T {
    const handler = context.getHandler();
    let known = this.byHandler.get(handler);
    if (!known) {
      known = { value: this.read(handler, context.getClass()) };
      this.byHandler.set(handler, known);
    }
    return known.value;
  }
}
