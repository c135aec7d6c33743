import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { RedisConnection, RedisTimeoutError } from '../redis/redis-connection.js';
import { RedisTier } from './redis-tier.js';

/*
 * The Redis tier against a fake Redis: a local TCP server that speaks enough RESP to answer
 * the commands under test from a handler, or stays silent. What is checked is what the tier
 * asks (keys under its prefix, NX/PX for a lease) and how it reads the answers, and how it
 * bounds a Redis that does not answer: a timeout error, then Redis skipped for a moment.
 */

type Reply = string | number | null | string[] | { simple: string };
/** A handler's way to leave a command unanswered (a Redis that stalls). */
const SILENCE = Symbol('no answer');

function encode(reply: Reply): string {
  if (reply === null) return '$-1\r\n';
  if (typeof reply === 'number') return `:${reply}\r\n`;
  if (typeof reply === 'string') return `$${Buffer.byteLength(reply)}\r\n${reply}\r\n`;
  if (Array.isArray(reply)) return `*${reply.length}\r\n${reply.map((item) => encode(item)).join('')}`;
  return `+${reply.simple}\r\n`;
}

/** Splits complete RESP arrays of bulk strings (what clients send) off the front of `buffer`. */
function parseCommands(buffer: string): { commands: string[][]; rest: string } {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    const header = /^\*(\d+)\r\n/.exec(buffer.slice(at));
    if (!header) break;
    let cursor = at + header[0].length;
    const args: string[] = [];
    for (let i = 0; i < Number(header[1]); i++) {
      const length = /^\$(\d+)\r\n/.exec(buffer.slice(cursor));
      if (!length || buffer.length < cursor + length[0].length + Number(length[1]) + 2) return { commands, rest: buffer.slice(at) };
      cursor += length[0].length;
      args.push(buffer.slice(cursor, cursor + Number(length[1])));
      cursor += Number(length[1]) + 2;
    }
    commands.push(args);
    at = cursor;
  }
  return { commands, rest: buffer.slice(at) };
}

class FakeRedis {
  readonly received: string[][] = [];
  /** Answers the commands under test; everything else (connection set-up, CONFIG GET) gets a harmless reply. */
  handler: (command: string[]) => Reply | typeof SILENCE = () => ({ simple: 'OK' });
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** Commands left unanswered (SILENCE), in order, until `answerHeld`. */
  private readonly held: Socket[] = [];

  answerHeld(reply: Reply): void {
    for (const socket of this.held.splice(0)) socket.write(encode(reply));
  }

  async start(): Promise<string> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      let buffer = '';
      socket.on('data', (chunk) => {
        const parsed = parseCommands(buffer + chunk.toString('utf8'));
        buffer = parsed.rest;
        for (const command of parsed.commands) {
          const name = command[0].toUpperCase();
          if (name === 'SUBSCRIBE') {
            command.slice(1).forEach((channel, index) => socket.write(encode(['subscribe', channel, index + 1] as unknown as string[])));
            continue;
          }
          if (name === 'CONFIG') {
            socket.write(encode(['maxmemory-policy', 'noeviction']));
            continue;
          }
          if (name === 'CLIENT' || name === 'HELLO' || name === 'SELECT') {
            socket.write(encode({ simple: 'OK' }));
            continue;
          }
          this.received.push(command);
          const reply = this.handler(command);
          if (reply === SILENCE) this.held.push(socket);
          else socket.write(encode(reply));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('RedisTier', () => {
  let fake: FakeRedis;
  let tier: RedisTier | undefined;
  const errors: Error[] = [];

  async function startTier(timeoutMs = 200): Promise<RedisTier> {
    fake = new FakeRedis();
    const url = await fake.start();
    tier = new RedisTier(new RedisConnection({ url, prefix: 'spec', timeoutMs, onError: (error) => errors.push(error) }), {
      invalidationTimeoutMs: 1000,
      onBusReady: () => {},
      holdsL1: true,
    });
    tier.connection.start();
    const deadline = Date.now() + 5000;
    while (!tier.connection.ready) {
      if (Date.now() > deadline) throw new Error('the tier never connected to the fake Redis');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return tier;
  }

  afterEach(async () => {
    await tier?.connection.stop();
    await fake?.stop();
    tier = undefined;
    errors.length = 0;
  });

  it('keeps every key under its prefix', async () => {
    const redis = await startTier();
    expect(redis.redisKey('restaurants:restaurant:1')).toBe('spec:restaurants:restaurant:1');
    expect(redis.cacheKeyOf('spec:restaurants:restaurant:1')).toBe('restaurants:restaurant:1');
  });

  it('deletes the prefixed key and says whether there was one', async () => {
    const redis = await startTier();
    fake.handler = (command) => (command[1] === 'spec:restaurants:restaurant:1' ? 1 : 0);
    expect(await redis.delete('restaurants:restaurant:1')).toBe(true);
    expect(await redis.delete('restaurants:restaurant:2')).toBe(false);
    expect(fake.received).toEqual([
      ['UNLINK', 'spec:restaurants:restaurant:1'],
      ['UNLINK', 'spec:restaurants:restaurant:2'],
    ]);
  });

  it('takes a lease with SET NX PX and returns its token only when Redis granted it', async () => {
    const redis = await startTier();
    let granted = true;
    fake.handler = () => (granted ? { simple: 'OK' } : null);
    const token = await redis.connection.acquireLease('restaurants:restaurant:1', 1500);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.received[0]).toEqual(['SET', 'spec:_meta:lease:restaurants:restaurant:1', token, 'PX', '1500', 'NX']);
    granted = false;
    expect(await redis.connection.acquireLease('restaurants:restaurant:1', 1500)).toBeUndefined();
  });

  it('reads the invalidation sequence as a number, 0 before the first invalidation', async () => {
    const redis = await startTier();
    let stored: string | null = null;
    fake.handler = () => stored;
    expect(await redis.sequence()).toBe(0);
    stored = '42';
    expect(await redis.sequence()).toBe(42);
    expect(fake.received).toEqual([
      ['GET', 'spec:_meta:seq'],
      ['GET', 'spec:_meta:seq'],
    ]);
  });

  it('fails a call Redis does not answer after its timeout, reports it, and skips Redis for a moment', async () => {
    const redis = await startTier(100);
    fake.handler = () => SILENCE;
    await expect(redis.sequence()).rejects.toBeInstanceOf(RedisTimeoutError);
    expect(errors.map((error) => error.message)).toContain('Redis did not answer within 100 ms');
    expect(redis.connection.lastError?.message).toBe('Redis did not answer within 100 ms');
    // Skipped: not ready although the connection is up, so callers go to the database instead.
    expect(redis.connection.ready).toBe(false);
    expect(redis.busReady).toBe(false);
    // The late answer, so that the connection can close cleanly.
    fake.handler = () => ({ simple: 'OK' });
    fake.answerHeld(null);
  });
});
