/**
 * A section of a deserialized blob, kept as JSON.parse made it. Which of its
 * entries are unusable is worked out once, when first needed (the store taking
 * the entries in, or a read of the load report), not while the blob loads:
 * checking every entry costs about a fifth of parsing it, and an app that only
 * loads and saves never needs the answer.
 */
import type { CacheSection } from './entries.js';
import type { AdoptedSection } from './section-store.js';
import { entryProblem } from './validate.js';

export class LoadedSection implements AdoptedSection {
  private found: Map<string, string> | undefined;
  private usable = 0;

  /** `onUnusable` hears of each unusable entry once, when the check runs. */
  constructor(
    readonly section: CacheSection,
    readonly entries: Record<string, unknown>,
    private readonly onUnusable: (key: string, reason: string) => void,
  ) {}

  problems(): ReadonlyMap<string, string> {
    return this.check();
  }

  /** How many entries lookups may use. */
  usableCount(): number {
    this.check();
    return this.usable;
  }

  private check(): Map<string, string> {
    if (this.found) return this.found;
    const found = new Map<string, string>();
    let usable = 0;
    // for-in over a parsed object visits own keys only, without an array of [key, value] pairs.
    for (const key in this.entries) {
      const problem = entryProblem(this.section, this.entries[key]);
      if (problem === undefined) usable++;
      else found.set(key, problem);
    }
    this.found = found;
    this.usable = usable;
    for (const [key, reason] of found) this.onUnusable(key, reason);
    return found;
  }
}
