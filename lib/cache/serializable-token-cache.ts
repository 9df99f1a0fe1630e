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
import { LoadedSection } from './loaded-section.js';

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
  /**
   * Usable entries now in the cache, per known section. Worked out when first read (so are
   * `unusable` and its verbose log lines): loading itself does not check entries one by one.
   */
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
      const entries = this.store(section).jsonEntries();
      // A section that was not an object is written back as it was, unless we now have entries for it.
      if (this.extraMembers.has(section) && !hasMembers(entries)) continue;
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
    // Per top-level member, in the blob's order: a section to adopt, or why a section is unusable as a whole.
    const parts: Array<{ section: CacheSection; entries: Record<string, unknown> } | DroppedEntry> = [];
    const extra = new Map<string, unknown>();

    for (const [name, value] of Object.entries(root)) {
      if (!(cacheSections as readonly string[]).includes(name)) {
        extra.set(name, value);
        continue;
      }
      const section = name as CacheSection;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        parts.push({ section, reason: 'section is not an object' });
        extra.set(name, value);
        continue;
      }
      // Entries are checked (and frozen, and stored one by one) when first needed, not here; see LoadedSection.
      parts.push({ section, entries: value as Record<string, unknown> });
    }
    const ok = dropped.length === 0 && !syntaxError;

    if (options.strict && !ok) {
      const salvaged = jsonObject();
      for (const p of parts) if ('entries' in p && hasMembers(p.entries)) salvaged[p.section] = p.entries;
      const sections = parts.map((p) => ('entries' in p ? new LoadedSection(p.section, p.entries, () => {}) : p));
      throw new CacheCorruptError(
        `token cache blob is corrupt: ${dropped.length} entries lost${syntaxError ? `, ${syntaxError.message} at offset ${syntaxError.offset}` : ''}`,
        { recovered: { report: loadReport(ok, dropped, sections, syntaxError), text: stringifyCache({ ...Object.fromEntries(extra), ...salvaged }) } },
      );
    }

    const sections = parts.map((p) =>
      'entries' in p
        ? new LoadedSection(p.section, p.entries, (_key, reason) => this.logUnusable(p.section, reason))
        : p,
    );
    // Nothing is replaced until the whole blob is read, so readers never see a mix.
    for (const section of cacheSections) this.store(section).clear();
    for (const s of sections) if (s instanceof LoadedSection) this.store(s.section).adopt(s);
    this.extraMembers = extra;
    for (const d of dropped) {
      this.logger.log('warning', `token cache: lost ${d.section ?? 'member'} entry: ${d.reason}`);
    }
    for (const s of sections) if (!(s instanceof LoadedSection)) this.logUnusable(s.section as CacheSection, s.reason);
    this.emit('load');
    this.changed = false;
    return loadReport(ok, dropped, sections, syntaxError);
  }

  private logUnusable(section: CacheSection, reason: string): void {
    this.logger.log('verbose', `token cache: kept an unusable ${section} entry as it is: ${reason}`);
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

function hasMembers(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** The report of a load; `loaded` and `unusable` check the entries on first read (see LoadedSection). */
function loadReport(
  ok: boolean,
  dropped: DroppedEntry[],
  sections: ReadonlyArray<LoadedSection | DroppedEntry>,
  syntaxError: DeserializeReport['syntaxError'],
): DeserializeReport {
  let loaded: Record<CacheSection, number> | undefined;
  let unusable: DroppedEntry[] | undefined;
  return {
    ok,
    get loaded() {
      if (!loaded) {
        loaded = Object.fromEntries(cacheSections.map((s) => [s, 0])) as Record<CacheSection, number>;
        for (const s of sections) if (s instanceof LoadedSection) loaded[s.section] += s.usableCount();
      }
      return loaded;
    },
    set loaded(value) {
      loaded = value;
    },
    dropped,
    get unusable() {
      if (!unusable) {
        unusable = [];
        for (const s of sections) {
          if (!(s instanceof LoadedSection)) unusable.push(s);
          else for (const [key, reason] of s.problems()) unusable.push({ section: s.section, key, reason });
        }
      }
      return unusable;
    },
    set unusable(value) {
      unusable = value;
    },
    ...(syntaxError ? { syntaxError } : {}),
  };
}
