import { createClient } from '@keyv/redis';

/** Removes every key under `{prefix}:` (SCAN in batches, never KEYS) and nothing else. */
export async function deleteKeysUnderPrefix(redisUrl: string, prefix: string): Promise<void> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) {
      if (keys.length > 0) await client.unlink(keys);
    }
  } finally {
    await client.close();
  }
}
