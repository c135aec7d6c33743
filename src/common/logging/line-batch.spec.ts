import { describe, expect, it } from '@jest/globals';
import { LineBatch } from './line-batch.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('LineBatch', () => {
  it('writes the lines of one turn together, once, at its end', async () => {
    const writes: string[] = [];
    const batch = new LineBatch((chunk) => writes.push(chunk));
    batch.add('a');
    batch.add('b');
    expect(writes).toEqual([]);

    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
  });

  it('writes the next turn on its own', async () => {
    const writes: string[] = [];
    const batch = new LineBatch((chunk) => writes.push(chunk));
    batch.add('a');
    await nextTurn();
    batch.add('b');
    await nextTurn();
    expect(writes).toEqual(['a\n', 'b\n']);
  });

  it('writes at once when the batch reaches 64 KiB, without waiting for the end of the turn', async () => {
    const writes: string[] = [];
    const batch = new LineBatch((chunk) => writes.push(chunk));
    const line = 'x'.repeat(1023);
    for (let index = 0; index < 64; index++) batch.add(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(64 * 1024);

    batch.add('after');
    await nextTurn();
    expect(writes).toEqual([expect.any(String), 'after\n']);
  });

  it('flush writes what is pending at once, and nothing when nothing is', async () => {
    const writes: string[] = [];
    const batch = new LineBatch((chunk) => writes.push(chunk));
    batch.flush();
    batch.add('a');
    batch.flush();
    expect(writes).toEqual(['a\n']);

    await nextTurn();
    expect(writes).toEqual(['a\n']);
  });
});
