import * as scripts from '../redis/redis-scripts.js';

/**
 * The Lua scripts Tiffin runs, by source text (EVAL) and by digest (EVALSHA), so a span names the
 * script instead of quoting it.
 */
const SCRIPT_NAMES = new Map<string, string>(
  Object.entries(scripts).flatMap(([name, source]) =>
    typeof source === 'string' ? [[source, name] as const, [scripts.scriptDigest(source), name] as const] : [],
  ),
);

/**
 * The `db.query.text` of a Redis span: the command and its first argument (the key or channel),
 * the rest counted but not shown. The instrumentation's default quotes every argument of EVAL,
 * which here is the script's source and a whole cached response (customer data on session
 * routes) or a client's rate-limit key: too large for a span, and not for a tracing backend.
 * EVAL and EVALSHA name Tiffin's script instead (`EVALSHA SET_IF_NOT_INVALIDATED …`).
 */
export function redisStatement(command: string, args: (string | Buffer)[]): string {
  if (args.length === 0) return command;
  if (/^EVAL(SHA)?$/i.test(command)) {
    const script = SCRIPT_NAMES.get(String(args[0])) ?? 'script';
    return `${command} ${script} [${args.length - 1} other arguments]`;
  }
  const rest = args.length > 1 ? ` [${args.length - 1} other arguments]` : '';
  return `${command} ${String(args[0])}${rest}`;
}
