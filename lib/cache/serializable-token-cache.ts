/**
 * A TokenCache that reads and writes the unified-schema JSON blob, as MSAL
 * Python's SerializableTokenCache and MSAL Node's TokenCache do.
 */
import { CacheCorruptError, InvalidArgumentError } from '../errors.js';
import { jsonObject, stringifyCache } from './cache-json.js';
import type { CacheSection } from './entries.js';
import { cacheSections } from './entries.js';
import { salvageJson, type SalvageProblem } from './salvage-json.js';
import { TokenCache, type TokenCacheOptions } from './token-cache.js';
import { entryProblem } from './validate.js';

/** One piece of a blob that deserialize() lost or could not use; see {@link DeserializeReport}. */
export interface DroppedEntry {
  /** Section name; absent when a top-level member itself was unreadable. */
  section?: string;
  /** Storage key of the dropped entry; absent when a whole section was dropped. */
  key?: string;
  /** Why, for logs. */
  reason: string;
}

/** What deserialize() made of a blob. */
export interface DeserializeReport {
  /** True when every byte of the blob was kept (unusable entries are kept too). */
  ok: boolean;
  /** Usable entries now in the cache, per known section. */
  loaded: Record<CacheSection, number>;
  /** What was lost: text that was not JSON. */
  dropped: DroppedEntry[];
  /** Entries (or a section) we cannot use, kept verbatim and written back by serialize(), but never used. */
  unusable: DroppedEntry[];
  /** Where the JSON broke off (truncated or damaged text); entries before it were kept. */
  syntaxError?: { offset: number; message: string };
}

/** Options of deserialize(). */
export interface DeserializeOptions {
  /** Throw CacheCorruptError (leaving the cache untouched) unless the blob is fully valid. */
  strict?: boolean | undefined;
}

/**
 * A {@link TokenCache} you save and load yourself, as a JSON blob in the unified schema
 * (MSAL Python's SerializableTokenCache). For a file shared between processes, use
 * {@link PersistentTokenCache} instead.
 *
 * @example
 * ```ts
 * const tokenCache = new SerializableTokenCache();
 * tokenCache.deserialize(await readFile(path, 'utf8').catch(() => ''));
 * const app = new PublicClientApplication({ clientId: '<app id>', tokenCache });
 * // ... acquire tokens ...
 * if (tokenCache.hasStateChanged) await writeFile(path, tokenCache.serialize(), { mode: 0o600 });
 * ```
 */
export class SerializableTokenCache extends TokenCache {
  private changed = false;
  /**
   * Top-level members other than the five sections, and sections that are not
   * objects, kept verbatim in their original order.
   */
  private extraMembers = new Map<string, unknown>();

  constructor(options: TokenCacheOptions = {}) {
    super(options);
    this.onChange(() => {
      this.changed = true;
    });
  }

  /** True after any change since the last serialize() or deserialize(). */
  get hasStateChanged(): boolean {
    return this.changed;
  }

  /**
   * The whole cache as unified-schema JSON, unknown content included; clears hasStateChanged.
   *
   * @throws CacheCorruptError when the cache holds content JSON cannot write (nested thousands of levels deep).
   */
  serialize(): string {
    const out = jsonObject();
    for (const section of cacheSections) {
      const entries = Object.fromEntries(this.store(section).everything());
      // A section that was not an object is written back as it was, unless we now have entries for it.
      if (Object.keys(entries).length === 0 && this.extraMembers.has(section)) continue;
      out[section] = entries;
    }
    for (const [name, value] of this.extraMembers) if (!Object.hasOwn(out, name)) out[name] = value;
    const text = stringifyCache(out);
    this.changed = false;
    return text;
  }

  /**
   * Replaces the cache with the blob's contents, losing nothing it can keep:
   * entries we cannot use (unknown shapes, missing fields) and unknown members
   * stay verbatim for serialize(), as MSAL Python keeps them. Damaged blobs are
   * salvaged: every complete entry is kept and what is lost is listed in the
   * report. Empty text means an empty cache.
   */
  deserialize(text: string, options: DeserializeOptions = {}): DeserializeReport {
    if (typeof text !== 'string') throw new InvalidArgumentError(`deserialize() takes the blob as a string, got ${text === null ? 'null' : typeof text}`);
    const { root, skipped, syntaxError } = text.trim() === '' ? { root: {}, skipped: [] } : salvageJson(text);
    const dropped: DroppedEntry[] = skipped.map((p: SalvageProblem) => ({ ...p }));
    const unusable: DroppedEntry[] = [];
    const accepted: Array<{ section: CacheSection; key: string; entry: unknown; usable: boolean }> = [];
    const extra = new Map<string, unknown>();

    for (const [name, value] of Object.entries(root)) {
      if (!(cacheSections as readonly string[]).includes(name)) {
        extra.set(name, value);
        continue;
      }
      const section = name as CacheSection;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        unusable.push({ section, reason: 'section is not an object' });
        extra.set(name, value);
        continue;
      }
      const entries = value as Record<string, unknown>;
      // for-in over JSON.parse output (own, enumerable keys only): no [key, value] pair per entry.
      for (const key in entries) {
        const entry = entries[key];
        const problem = entryProblem(section, entry);
        if (problem) unusable.push({ section, key, reason: problem });
        accepted.push({ section, key, entry, usable: !problem });
      }
    }

    const loaded = Object.fromEntries(cacheSections.map((s) => [s, 0])) as Record<CacheSection, number>;
    for (const a of accepted) if (a.usable) loaded[a.section]++;
    const report: DeserializeReport = {
      ok: dropped.length === 0 && !syntaxError,
      loaded,
      dropped,
      unusable,
      ...(syntaxError ? { syntaxError } : {}),
    };

    if (options.strict && !report.ok) {
      const salvaged = jsonObject() as Record<string, Record<string, unknown>>;
      for (const a of accepted) (salvaged[a.section] ??= jsonObject())[a.key] = a.entry;
      throw new CacheCorruptError(
        `token cache blob is corrupt: ${dropped.length} entries lost${syntaxError ? `, ${syntaxError.message} at offset ${syntaxError.offset}` : ''}`,
        { recovered: { report, text: stringifyCache({ ...Object.fromEntries(extra), ...salvaged }) } },
      );
    }

    // Nothing is replaced until the whole blob is checked, so readers never see a mix.
    for (const section of cacheSections) this.store(section).clear();
    for (const a of accepted) {
      if (a.usable) this.store(a.section).put(a.key, a.entry as never, true);
      else this.store(a.section).putOpaque(a.key, a.entry);
    }
    this.extraMembers = extra;
    for (const d of dropped) {
      this.logger.log('warning', `token cache: lost ${d.section ?? 'member'} entry: ${d.reason}`);
    }
    for (const u of unusable) {
      this.logger.log('verbose', `token cache: kept an unusable ${u.section} entry as it is: ${u.reason}`);
    }
    this.emit('load');
    this.changed = false;
    return report;
  }

  /** deserialize() that throws CacheCorruptError (with `recovered: { report, text }`) on any damage. */
  deserializeStrict(text: string): DeserializeReport {
    return this.deserialize(text, { strict: true });
  }

  /** @internal */
  protected override clearExtra(): void {
    this.extraMembers.clear();
  }
}
