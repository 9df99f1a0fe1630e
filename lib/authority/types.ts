/** The kinds of authority the library speaks to. */
export type AuthorityKind = 'aad' | 'b2c' | 'adfs' | 'ciam' | 'dsts' | 'oidc';

/** The subset of OpenID Provider metadata that token flows use. */
export interface AuthorityMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  device_authorization_endpoint?: string;
  end_session_endpoint?: string;
  jwks_uri?: string;
  [key: string]: unknown;
}

/** An authority after parsing, validation and metadata discovery. */
export interface ResolvedAuthority {
  kind: AuthorityKind;
  /** e.g. https://login.microsoftonline.com/contoso.onmicrosoft.com/ (always a trailing slash) */
  canonical: string;
  /** Host the cache keys on ("environment"), after alias resolution. */
  environment: string;
  /** Tenant path segment ("realm"), e.g. common, organizations, a GUID, adfs. */
  tenant: string;
  /** Every host known to be the same cloud, the preferred one first. */
  aliases: string[];
  metadata: AuthorityMetadata;
}
