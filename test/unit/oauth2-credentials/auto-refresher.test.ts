import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { AutoRefresher } from '../../../lib/oauth2/auto-refresher.js';

function counter() {
  let n = 0;
  return vi.fn(() => `value-${++n}`);
}

describe('AutoRefresher', () => {
  it('re-uses the value for 600 seconds by default, then calls the factory again', async () => {
    let now = 0;
    const factory = counter();
    const refresher = new AutoRefresher(factory, { now: () => now });
    expect(await refresher.get()).toBe('value-1');
    now = 599_999;
    expect(await refresher.get()).toBe('value-1');
    now = 600_000;
    expect(await refresher.get()).toBe('value-2');
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('honours expiresInSeconds, as a number or computed from the value', async () => {
    let now = 0;
    const short = new AutoRefresher(counter(), { expiresInSeconds: 5, now: () => now });
    await short.get();
    now = 5_000;
    expect(await short.get()).toBe('value-2');

    now = 0;
    const perValue = new AutoRefresher(counter(), { expiresInSeconds: (v) => (v === 'value-1' ? 1 : 100), now: () => now });
    await perValue.get();
    now = 1_000;
    expect(await perValue.get()).toBe('value-2');
    now = 50_000;
    expect(await perValue.get()).toBe('value-2');
  });

  it('never caches with a zero lifetime', async () => {
    const refresher = new AutoRefresher(counter(), { expiresInSeconds: 0, now: () => 42 });
    expect(await refresher.get()).toBe('value-1');
    expect(await refresher.get()).toBe('value-2');
  });

  it('shares one factory call among concurrent callers', async () => {
    let release: (v: string) => void = () => {};
    const factory = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const refresher = new AutoRefresher(factory);
    const all = Promise.all([refresher.get(), refresher.get(), refresher.get()]);
    release('shared');
    expect(await all).toEqual(['shared', 'shared', 'shared']);
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failure', async () => {
    const factory = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error('boom')).mockResolvedValueOnce('ok');
    const refresher = new AutoRefresher(factory);
    const [a, b] = await Promise.allSettled([refresher.get(), refresher.get()]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect(await refresher.get()).toBe('ok');
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('validates its arguments', () => {
    expect(() => new AutoRefresher(undefined as unknown as () => string)).toThrow(InvalidArgumentError);
    expect(() => new AutoRefresher(() => 'x', { expiresInSeconds: -1 })).toThrow(InvalidArgumentError);
  });
});
