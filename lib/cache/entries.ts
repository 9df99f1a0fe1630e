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

/** The cache schema's authority_type: Entra (and B2C, CIAM, dSTS), ADFS, or any other OpenID provider. */
export type AuthorityType = 'MSSTS' | 'ADFS' | 'Generic';

/** Epoch seconds written as a decimal string, as the schema defines timestamps. */
export type EpochString = string;

/**
 * home_account_id: `uid.utid`, or the id token's `sub`. App-only tokens have none:
 * MSAL Python writes null, MSAL Node and MSAL.NET write "".
 */
export type HomeAccountId = string | null;

/** The fields every credential entry (access, refresh and ID token) has. */
export interface CredentialFields {
  credential_type: string;
  /** The token itself. */
  secret: string;
  home_account_id: HomeAccountId;
  environment: string;
  client_id: string;
  [field: string]: unknown;
}

/** An AccessToken entry of the unified cache schema; keys as MSAL writes them, unknown ones kept. */
export interface AccessTokenEntry extends CredentialFields {
  realm: string;
  /** The granted scopes, space-separated. */
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

/** A RefreshToken entry of the unified cache schema. */
export interface RefreshTokenEntry extends CredentialFields {
  /** Set on family (FOCI) refresh tokens, which every app of the family may redeem. */
  family_id?: string;
  target?: string;
  last_modification_time?: EpochString;
  [field: string]: unknown;
}

/** An IdToken entry of the unified cache schema; its secret is the ID token (a JWT). */
export interface IdTokenEntry extends CredentialFields {
  realm: string;
}

/** An Account entry of the unified cache schema; getAccounts() returns these. */
export interface AccountEntry {
  /** The account's id across tenants: `uid.utid` from client_info, or the ID token's `sub`. */
  home_account_id: string;
  /** The authority host the account was seen on. */
  environment: string;
  /** The tenant of this entry. */
  realm: string;
  /** The account's id in that tenant (oid, else sub), or the broker's own account id. */
  local_account_id: string;
  /** The ID token's preferred_username (or upn). */
  username: string;
  authority_type: string;
  /** The grant (or 'broker') that established the account. */
  account_source?: string;
  name?: string;
  client_info?: string;
  [field: string]: unknown;
}

/** An AppMetadata entry of the unified cache schema: what a client's family (FOCI) membership is. */
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
