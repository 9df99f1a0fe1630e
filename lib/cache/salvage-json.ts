/**
 * Reads a cache blob that may be cut short or damaged (a crash mid-write, a
 * full disk, a bad merge) and keeps every entry that is complete. The blob is a
 * two-level object (section -> key -> entry), so we walk those two levels by
 * hand and hand each complete entry to JSON.parse.
 */

export interface SalvageProblem {
  section?: string;
  key?: string;
  reason: string;
}

export interface SalvageResult {
  root: Record<string, unknown>;
  /** Entries skipped because their own text was not valid JSON. */
  skipped: SalvageProblem[];
  /** Where the structure broke; nothing after this offset was read. */
  syntaxError?: { offset: number; message: string };
}

import { jsonObject } from './cache-json.js';

class StructureError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function salvageJson(text: string): SalvageResult {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { root: parsed as Record<string, unknown>, skipped: [] };
    }
    return { root: {}, skipped: [], syntaxError: { offset: 0, message: 'top level is not a JSON object' } };
  } catch {
    return new Walker(text).run();
  }
}

class Walker {
  private i = 0;
  private readonly root = jsonObject();
  private readonly skipped: SalvageProblem[] = [];

  constructor(private readonly s: string) {}

  run(): SalvageResult {
    try {
      this.walkObject((key) => {
        if (this.peek() === '{') {
          const section = jsonObject();
          this.root[key] = section;
          this.walkObject((entryKey) => this.readValue(section, entryKey, key));
        } else {
          this.readValue(this.root, key);
        }
      });
      this.ws();
      if (this.i < this.s.length) throw new StructureError(this.i, 'unexpected text after the cache object');
      return { root: this.root, skipped: this.skipped };
    } catch (e) {
      if (!(e instanceof StructureError)) throw e;
      return { root: this.root, skipped: this.skipped, syntaxError: { offset: e.offset, message: e.message } };
    }
  }

  private walkObject(member: (key: string) => void): void {
    this.ws();
    this.expect('{');
    this.ws();
    if (this.peek() === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.readKey();
      this.ws();
      this.expect(':');
      this.ws();
      member(key);
      this.ws();
      const c = this.peek();
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return;
      }
      throw new StructureError(this.i, c === undefined ? 'text ends inside an object' : `expected , or } but found ${c}`);
    }
  }

  private readValue(into: Record<string, unknown>, key: string, section?: string): void {
    const start = this.i;
    const end = this.valueEnd(start);
    try {
      into[key] = JSON.parse(this.s.slice(start, end));
    } catch {
      // The value is balanced, so the walk can go on past it.
      this.skipped.push({ ...(section === undefined ? {} : { section }), key, reason: 'entry is not valid JSON' });
    }
    this.i = end;
  }

  private readKey(): string {
    if (this.peek() !== '"') throw new StructureError(this.i, 'expected a quoted key');
    const end = this.stringEnd(this.i);
    try {
      const key: unknown = JSON.parse(this.s.slice(this.i, end));
      this.i = end;
      return key as string;
    } catch {
      throw new StructureError(this.i, 'invalid key string');
    }
  }

  /** End offset of the string starting at `start` (which holds the opening quote). */
  private stringEnd(start: number): number {
    for (let j = start + 1; j < this.s.length; j++) {
      const c = this.s.charCodeAt(j);
      if (c === 0x5c) j++;
      else if (c === 0x22) return j + 1;
    }
    throw new StructureError(start, 'text ends inside a string');
  }

  /** End offset of the JSON value at `start`, found by bracket balance; content is checked later by JSON.parse. */
  private valueEnd(start: number): number {
    const first = this.s[start];
    if (first === '"') return this.stringEnd(start);
    if (first !== '{' && first !== '[') {
      let j = start;
      while (j < this.s.length && !/[,}\]\s]/.test(this.s[j] as string)) j++;
      if (j === this.s.length) throw new StructureError(start, 'text ends inside a value');
      if (j === start) throw new StructureError(start, 'expected a value');
      return j;
    }
    let depth = 0;
    for (let j = start; j < this.s.length; j++) {
      const c = this.s[j];
      if (c === '"') j = this.stringEnd(j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new StructureError(start, 'text ends inside a value');
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }

  private peek(): string | undefined {
    return this.s[this.i];
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) {
      throw new StructureError(this.i, this.i >= this.s.length ? 'text ends early' : `expected ${c}`);
    }
    this.i++;
  }
}
