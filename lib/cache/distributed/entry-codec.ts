/**
 * How entries are stored in a partition: one field per entry. In plain mode
 * the field is `<section>|<storage key>` and the value the entry's JSON. With
 * a key, names and values say nothing: the field is an HMAC of the plain name
 * and the value AES-256-GCM over `[section, key, entry]`, bound to its
 * partition and field (as additional data) so no value can be moved elsewhere.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { cacheSections, type CacheSection } from '../entries.js';
import { InvalidArgumentError } from '../../errors.js';

export interface DecodedEntry {
  section: CacheSection;
  key: string;
  entry: Record<string, unknown>;
}

export interface EntryCodec {
  /** The store key of a partition. */
  recordKey(prefix: string, partition: string): string;
  fieldName(recordKey: string, section: CacheSection, key: string): string;
  encode(recordKey: string, field: string, section: CacheSection, key: string, entry: unknown): string;
  /** undefined when the value is not ours to read (another key, damage): it is left as it is. */
  decode(recordKey: string, field: string, value: string): DecodedEntry | undefined;
}

const isSection = (s: unknown): s is CacheSection => typeof s === 'string' && (cacheSections as readonly string[]).includes(s);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field names and values in the clear (the store's own access control protects them). */
export const plainCodec: EntryCodec = {
  recordKey: (prefix, partition) => prefix + createHash('sha256').update(partition).digest('base64url').slice(0, 32),
  fieldName: (_record, section, key) => `${section}|${key}`,
  encode: (_record, _field, _section, _key, entry) => JSON.stringify(entry),
  decode(_record, field, value) {
    const bar = field.indexOf('|');
    const section = field.slice(0, bar);
    if (bar < 0 || !isSection(section)) return undefined;
    try {
      const entry: unknown = JSON.parse(value);
      return isObject(entry) ? { section, key: field.slice(bar + 1), entry } : undefined;
    } catch {
      return undefined;
    }
  },
};

/** AES-256-GCM with a 32-byte key the application provides; subkeys for names and values come from HKDF. */
export function encryptedCodec(key: Uint8Array): EntryCodec {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new InvalidArgumentError('encryptionKey must be 32 bytes (AES-256)');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `brokerbridge token cache ${info}`, 32));
  const nameKey = derive('names');
  const valueKey = derive('values');
  const mac = (text: string) => createHmac('sha256', nameKey).update(text).digest('base64url').slice(0, 32);
  const aad = (record: string, field: string) => Buffer.from(`${record}\u0000${field}`);
  return {
    recordKey: (prefix, partition) => prefix + mac(`partition\u0000${partition}`),
    fieldName: (record, section, k) => mac(`${record}\u0000${section}\u0000${k}`),
    encode(record, field, section, k, entry) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', valueKey, iv);
      cipher.setAAD(aad(record, field));
      const body = Buffer.concat([cipher.update(JSON.stringify([section, k, entry])), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    },
    decode(record, field, value) {
      try {
        const raw = Buffer.from(value, 'base64');
        if (raw.length < 12 + 16) return undefined;
        const decipher = createDecipheriv('aes-256-gcm', valueKey, raw.subarray(0, 12));
        decipher.setAAD(aad(record, field));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed) || !isSection(parsed[0]) || typeof parsed[1] !== 'string' || !isObject(parsed[2])) return undefined;
        return { section: parsed[0], key: parsed[1], entry: parsed[2] };
      } catch {
        return undefined;
      }
    },
  };
}
