/**
 * With a cache shared through persistence, a public call that changed the cache
 * resolves only once those changes are on disk and the cross-process lock is
 * released: `await app.acquireToken…(); process.exit(0)` loses no sign-in and
 * leaves no lock file. (The cache starts writing as soon as it changes; this
 * makes the caller wait for that write.)
 */
import type { CacheAccessHooks } from '../cache/persistence/persistent-token-cache.js';
import type { TokenCache } from '../cache/token-cache.js';

/** Every token call, and the calls that sign out. */
const CHANGES_CACHE = /^(acquireToken|removeAccount$|removeTokensForClient$)/;

/**
 * Wraps `app`'s cache-changing methods (found on its whole prototype chain, so
 * a flow added later is covered without anyone remembering to) so that each
 * awaits `hooks.afterAccess()` when the cache changed while it ran. A call
 * that only read the cache (a silent hit) pays no I/O.
 */
export function awaitCacheWritesInPublicCalls(app: object, cache: TokenCache, hooks: CacheAccessHooks): void {
  let changes = 0;
  cache.onChange(({ kind }) => {
    // A load only brought in what is already on disk.
    if (kind !== 'load') changes++;
  });
  const names = new Set<string>();
  for (let proto: object | null = Object.getPrototypeOf(app); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) if (CHANGES_CACHE.test(name)) names.add(name);
  }
  for (const name of names) {
    const method: unknown = (app as Record<string, unknown>)[name];
    if (typeof method !== 'function') continue;
    Object.defineProperty(app, name, {
      configurable: true,
      writable: true,
      value: async (...args: unknown[]) => {
        const before = changes;
        let result: unknown;
        try {
          result = await (method as (...a: unknown[]) => unknown).apply(app, args);
        } catch (e) {
          // The call's own failure is the news; still, what it cached goes to disk first.
          if (changes !== before) await hooks.afterAccess().catch(() => {});
          throw e;
        }
        if (changes !== before) await hooks.afterAccess();
        return result;
      },
    });
  }
}
