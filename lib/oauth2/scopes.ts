import { InvalidArgumentError } from '../errors.js';

/** Scopes the library adds itself so every sign-in yields an ID token and a refresh token. */
export const RESERVED_SCOPES: readonly string[] = Object.freeze(['openid', 'profile', 'offline_access']);

const reservedLower = new Set(RESERVED_SCOPES);

export interface DecorateScopesOptions {
  /** Accepted for callers that pass it; the client id needs no special treatment. */
  clientId?: string | undefined;
  /** Reserved scopes to leave out, e.g. offline_access when the app wants no refresh token. */
  excludeScopes?: readonly string[] | undefined;
}

/**
 * The scope list a user-facing grant sends: the caller's scopes (deduplicated, in order)
 * followed by the reserved ones. Callers may not pass reserved scopes themselves, so that
 * nobody silently loses the refresh token or the ID token by passing a partial set.
 */
export function decorateScopes(scopes: readonly string[], options: DecorateScopesOptions = {}): string[] {
  if (!Array.isArray(scopes)) throw new InvalidArgumentError('scopes must be an array of strings');
  const own: string[] = [];
  for (const s of scopes) {
    if (typeof s !== 'string' || s.trim() === '') throw new InvalidArgumentError('every scope must be a non-empty string');
    if (reservedLower.has(s.toLowerCase())) {
      throw new InvalidArgumentError(
        `The reserved scopes (${RESERVED_SCOPES.join(', ')}) are added by the library; do not pass "${s}"`,
      );
    }
    if (!own.includes(s)) own.push(s);
  }
  // The client id is a scope like any other (B2C asks for it, alone or with others), as in MSAL Python.
  const excluded = new Set((options.excludeScopes ?? []).map((s) => s.toLowerCase()));
  return [...own, ...RESERVED_SCOPES.filter((s) => !excluded.has(s))];
}

/** The `scope` parameter's wire form. */
export function scopesToString(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/** Splits a space-delimited scope string, dropping empties and duplicates. */
export function scopesFromString(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter((s) => s !== ''))];
}

/**
 * The token cache's `target`: scopes deduplicated and sorted so that the same set always
 * produces the same string, whatever order the server or the caller used.
 */
export function normalizeTarget(target: string | readonly string[]): string {
  const list = typeof target === 'string' ? scopesFromString(target) : [...new Set(target)];
  return list.sort().join(' ');
}
