/** A controller's or handler's @Controller/@Get path metadata, which may be one path or several. */
export const pathsOf = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);

/** The route pattern Fastify registers for a controller path and a handler path, e.g. `/restaurants/:id`. */
export const joinPath = (...parts: string[]): string =>
  `/${parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
