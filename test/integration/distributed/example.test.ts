/** examples/redis-daemon.ts runs as documented: later instances are served from Redis. */
import { expect, it } from 'vitest';
import { runRedisDaemon } from '../../../examples/redis-daemon.js';

it('the Redis daemon example serves later instances from the shared cache', async () => {
  const lines: string[] = [];
  expect(await runRedisDaemon((l) => lines.push(l))).toBe(0);
  expect(lines.at(-1)).toBe('2 of 2 later instances were served from Redis');
});
