/**
 * Wire entries of the unified token cache shared by MSAL Python, MSAL Node and MSAL.NET.
 * Field names stay snake_case because the JSON is read by those libraries verbatim.
 * Every entry may carry fields we do not know; they are kept on rewrite.
 */

export const CredentialType = {
  AccessToken: 'AccessToken',
  /** MSAL Node's credential type for PoP/SSH access tokens. */
  AccessTokenWithAuthScheme: 'AccessToken_With_AuthScheme',
  RefreshToken: 'RefreshToken',
  IdToken: 'IdToken',
} as const;
export type CredentialType = (typeof CredentialType)[keyof typeof CredentialType];

/** The five sections of the unified schema, in the order we write them. */
export const CacheSection = {
  AccessToken: 'AccessToken',
  RefreshToken: 'RefreshToken',
  IdToken: 'IdToken',
  Account: 'Account',
  AppMetadata: 'AppMetadata',
} as const;
export type CacheSection = (typeof CacheSection)[keyof typeof CacheSection];
export const cacheSections: readonly CacheSection[] = Object.values(CacheSection);

export type AuthorityType = 'MSSTS' | 'ADFS' | 'Generic';

/** Epoch seconds written as a decimal string, as the schema defines timestamps. */
export type EpochString = string;

/**
 * home_account_id: `uid.utid`, or the id token's `sub`. App-only tokens have none:
 * MSAL Python writes null, MSAL Node and MSAL.NET write "".
 */
export type HomeAccountId = string | null;

export interface AccessTokenEntry {
  credential_type: string;
  secret: string;
  home_account_id: HomeAccountId;
  environment: string;
  client_id: string;
  realm: string;
  target: string;
  cached_at: EpochString;
  expires_on: EpochString;
  extended_expires_on?: EpochString;
  refresh_on?: EpochString;
  token_type?: string;
  /** PoP / SSH-cert key binding. MSAL.NET writes the same value as `kid`. */
  key_id?: string;
  /** Extra partition of the cache key (e.g. FMI path), as MSAL Python writes it. */
  ext_cache_key?: string;
  [field: string]: unknown;
}

export interface RefreshTokenEntry {
  credential_type: string;
  secret: string;
  home_account_id: HomeAccountId;
  environment: string;
  client_id: string;
  family_id?: string;
  target?: string;
  last_modification_time?: EpochString;
  [field: string]: unknown;
}

export interface IdTokenEntry {
  credential_type: string;
  secret: string;
  home_account_id: HomeAccountId;
  environment: string;
  client_id: string;
  realm: string;
  [field: string]: unknown;
}

export interface AccountEntry {
  home_account_id: string;
  environment: string;
  realm: string;
  local_account_id: string;
  username: string;
  authority_type: string;
  account_source?: string;
  name?: string;
  client_info?: string;
  [field: string]: unknown;
}

export interface AppMetadataEntry {
  client_id: string;
  environment: string;
  family_id?: string;
  [field: string]: unknown;
}

export interface SectionEntry {
  AccessToken: AccessTokenEntry;
  RefreshToken: RefreshTokenEntry;
  IdToken: IdTokenEntry;
  Account: AccountEntry;
  AppMetadata: AppMetadataEntry;
}

/** The FOCI family MSAL uses today. */
export const FOCI_FAMILY_ID = '1';

/** Null and "" both mean "no home account" (Python vs Node); this folds them. */
export function normalizeHomeAccountId(id: HomeAccountId | undefined): string {
  return id ?? '';
}

/** .NET writes `kid`, Python and Node write `key_id`. */
export function accessTokenKeyId(entry: AccessTokenEntry): string {
  if (typeof entry.key_id === 'string') return entry.key_id;
  return typeof entry['kid'] === 'string' ? entry['kid'] : '';
}
