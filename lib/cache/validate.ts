/**
 * Which entries of a deserialized blob we can use. An entry we cannot match or
 * use safely (a missing or mistyped required field) is dropped and reported;
 * unknown fields are never a reason to drop.
 */
import type { CacheSection } from './entries.js';
import { CredentialType } from './entries.js';

type FieldKind = 'string' | 'stringOrNull' | 'epoch';
interface FieldRule {
  kind: FieldKind;
  required: boolean;
}
const req = (kind: FieldKind): FieldRule => ({ kind, required: true });
const opt = (kind: FieldKind): FieldRule => ({ kind, required: false });

/** What every credential section (access, refresh and ID tokens) requires. */
const credentialRules: Record<string, FieldRule> = {
  credential_type: req('string'),
  secret: req('string'),
  home_account_id: req('stringOrNull'),
  environment: req('string'),
  client_id: req('string'),
};

const rules: { [S in CacheSection]: Record<string, FieldRule> } = {
  AccessToken: {
    ...credentialRules,
    realm: req('string'),
    target: req('string'),
    cached_at: opt('epoch'),
    expires_on: req('epoch'),
    extended_expires_on: opt('epoch'),
    refresh_on: opt('epoch'),
    token_type: opt('string'),
    key_id: opt('string'),
    ext_cache_key: opt('string'),
  },
  RefreshToken: {
    ...credentialRules,
    family_id: opt('stringOrNull'),
    target: opt('stringOrNull'),
    last_modification_time: opt('epoch'),
  },
  IdToken: { ...credentialRules, realm: req('string') },
  Account: {
    home_account_id: req('string'),
    environment: req('string'),
    realm: req('string'),
    local_account_id: req('string'),
    username: req('string'),
    authority_type: req('string'),
    name: opt('stringOrNull'),
    client_info: opt('string'),
    account_source: opt('string'),
  },
  AppMetadata: {
    client_id: req('string'),
    environment: req('string'),
    family_id: opt('stringOrNull'),
  },
};

/** The rules as lists, made once: validation runs for every entry of every blob loaded. */
const ruleLists = Object.fromEntries(Object.entries(rules).map(([section, r]) => [section, Object.entries(r)])) as {
  [S in CacheSection]: Array<[field: string, rule: FieldRule]>;
};

const credentialTypes: { [S in CacheSection]?: readonly string[] } = {
  AccessToken: [CredentialType.AccessToken, CredentialType.AccessTokenWithAuthScheme],
  RefreshToken: [CredentialType.RefreshToken],
  IdToken: [CredentialType.IdToken],
};

function fits(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'stringOrNull':
      return v === null || typeof v === 'string';
    case 'epoch':
      // Some writers emit numbers; both forms parse the same.
      return (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) || (typeof v === 'number' && Number.isFinite(v));
  }
}

/** Returns why the entry is unusable, or undefined when it is fine. */
export function entryProblem(section: CacheSection, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'entry is not an object';
  const entry = value as Record<string, unknown>;
  for (const [field, rule] of ruleLists[section]) {
    const v = entry[field];
    if (v === undefined) {
      if (rule.required) return `missing ${field}`;
      continue;
    }
    if (!fits(rule.kind, v)) return `${field} has the wrong type`;
  }
  const types = credentialTypes[section];
  if (types && !types.includes(entry['credential_type'] as string)) return 'unexpected credential_type';
  return undefined;
}
