/**
 * A TokenCache that reads and writes the unified-schema JSON blob, as MSAL
 * Python's SerializableTokenCache and MSAL Node's TokenCache do.
 */
import { CacheCorruptError } from '../errors.js';
import type { CacheSection } from './entries.js';
import { cacheSections } from './entries.js';
import { salvageJson, type SalvageProblem } from './salvage-json.js';
import { TokenCache, type TokenCacheOptions } from './token-cache.js';
import { entryProblem } from './validate.js';

export interface DroppedEntry {
  /** Section name; absent when a top-level member itself was unreadable. */
  section?: string;
  /** Storage key of the dropped entry; absent when a whole section was dropped. */
  key?: string;
  reason: string;
}

export interface DeserializeReport {
  /** True when every byte of the blob was used. */
  ok: boolean;
  /** Entries now in the cache, per known section. */
  loaded: Record<CacheSection, number>;
  dropped: DroppedEntry[];
  /** Where the JSON broke off (truncated or damaged text); entries before it were kept. */
  syntaxError?: { offset: number; message: string };
}

export interface DeserializeOptions {
  /** Throw CacheCorruptError (leaving the cache untouched) unless the blob is fully valid. */
  strict?: boolean;
}

export class SerializableTokenCache extends TokenCache {
  private changed = false;
  /** Top-level members other than the five sections, kept verbatim in their original order. */
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

  serialize(): string {
    const out: Record<string, unknown> = {};
    for (const section of cacheSections) {
      const entries: Record<string, unknown> = {};
      for (const r of this.store(section).all()) entries[r.key] = r.entry;
      out[section] = entries;
    }
    for (const [name, value] of this.extraMembers) out[name] = value;
    this.changed = false;
    return JSON.stringify(out);
  }

  /**
   * Replaces the cache with the blob's contents. Damaged blobs are salvaged:
   * every complete, usable entry is kept and the rest is listed in the report.
   * Empty text means an empty cache.
   */
  deserialize(text: string, options: DeserializeOptions = {}): DeserializeReport {
    const { root, skipped, syntaxError } = text.trim() === '' ? { root: {}, skipped: [] } : salvageJson(text);
    const dropped: DroppedEntry[] = skipped.map((p: SalvageProblem) => ({ ...p }));
    const accepted: Array<{ section: CacheSection; key: string; entry: unknown }> = [];
    const extra = new Map<string, unknown>();

    for (const [name, value] of Object.entries(root)) {
      if (!(cacheSections as readonly string[]).includes(name)) {
        extra.set(name, value);
        continue;
      }
      const section = name as CacheSection;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        dropped.push({ section, reason: 'section is not an object' });
        continue;
      }
      for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
        const problem = entryProblem(section, entry);
        if (problem) dropped.push({ section, key, reason: problem });
        else accepted.push({ section, key, entry });
      }
    }

    const loaded = Object.fromEntries(cacheSections.map((s) => [s, 0])) as Record<CacheSection, number>;
    for (const a of accepted) loaded[a.section]++;
    const report: DeserializeReport = {
      ok: dropped.length === 0 && !syntaxError,
      loaded,
      dropped,
      ...(syntaxError ? { syntaxError } : {}),
    };

    if (options.strict && !report.ok) {
      const salvaged: Record<string, Record<string, unknown>> = {};
      for (const a of accepted) (salvaged[a.section] ??= {})[a.key] = a.entry;
      throw new CacheCorruptError(
        `token cache blob is corrupt: ${dropped.length} entries dropped${syntaxError ? `, ${syntaxError.message} at offset ${syntaxError.offset}` : ''}`,
        { recovered: { report, text: JSON.stringify({ ...salvaged, ...Object.fromEntries(extra) }) } },
      );
    }

    // Nothing is replaced until the whole blob is checked, so readers never see a mix.
    for (const section of cacheSections) this.store(section).clear();
    for (const a of accepted) this.store(a.section).put(a.key, a.entry as never, true);
    this.extraMembers = extra;
    for (const d of dropped) {
      this.logger.log('warning', `token cache: dropped ${d.section ?? 'member'} entry: ${d.reason}`);
    }
    this.emit('load');
    this.changed = false;
    return report;
  }

  /** deserialize() that throws CacheCorruptError (with `recovered: { report, text }`) on any damage. */
  deserializeStrict(text: string): DeserializeReport {
    return this.deserialize(text, { strict: true });
  }

  protected override clearExtra(): void {
    this.extraMembers.clear();
  }
}
