import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError, StateMismatchError } from '../errors.js';
import { createPkce } from './pkce.js';
import { scopesToString } from './scopes.js';
import type { ErrorResponse } from './types.js';

/** How the authorization server returns its reply to the redirect URI (OAuth 2.0 response_mode). */
export type ResponseMode = 'query' | 'fragment' | 'form_post';

export interface InitiateAuthCodeFlowOptions {
  authorizationEndpoint: string;
  clientId: string;
  /** Final wire scopes (already decorated by the caller). */
  scopes: string[];
  redirectUri?: string | undefined;
  state?: string | undefined;
  prompt?: string | undefined;
  loginHint?: string | undefined;
  domainHint?: string | undefined;
  maxAge?: number | undefined;
  responseMode?: ResponseMode | undefined;
  claims?: string | undefined;
  extraQueryParameters?: Record<string, string> | undefined;
}

/**
 * MSAL Python's auth code flow dict. Keep it server-side (session) between the redirect
 * and the reply: it holds the PKCE verifier and the CSRF state.
 */
export interface AuthCodeFlow {
  auth_uri: string;
  state: string;
  /** Raw nonce; the authorize request carried nonceHash(nonce), which the ID token must echo. */
  nonce: string;
  code_verifier: string;
  redirect_uri?: string;
  scope: string[];
  claims_challenge?: string;
  max_age?: number;
  response_mode?: ResponseMode;
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/** What an ID token's `nonce` must equal for a flow whose raw nonce is `nonce` (OIDC Core 15.5.2). */
export function nonceHash(nonce: string): string {
  return createHash('sha256').update(nonce, 'utf8').digest('hex');
}

export function initiateAuthCodeFlow(options: InitiateAuthCodeFlowOptions): AuthCodeFlow {
  let url: URL;
  try {
    url = new URL(options.authorizationEndpoint);
  } catch (e) {
    throw new InvalidArgumentError(`authorizationEndpoint is not a URL: ${options.authorizationEndpoint}`, { cause: e });
  }
  if (options.maxAge !== undefined && (!Number.isInteger(options.maxAge) || options.maxAge < 0)) {
    throw new InvalidArgumentError('maxAge must be a non-negative integer number of seconds');
  }
  const state = options.state ?? randomToken();
  const nonce = randomToken();
  const pkce = createPkce();
  const params: Record<string, string | undefined> = {
    ...options.extraQueryParameters,
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: options.redirectUri,
    scope: scopesToString(options.scopes),
    state,
    nonce: nonceHash(nonce),
    code_challenge: pkce.challenge,
    code_challenge_method: pkce.method,
    prompt: options.prompt,
    login_hint: options.loginHint,
    domain_hint: options.domainHint,
    max_age: options.maxAge?.toString(),
    response_mode: options.responseMode,
    claims: options.claims,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  const flow: AuthCodeFlow = {
    auth_uri: url.toString(),
    state,
    nonce,
    code_verifier: pkce.verifier,
    scope: [...options.scopes],
  };
  if (options.redirectUri !== undefined) flow.redirect_uri = options.redirectUri;
  if (options.claims !== undefined) flow.claims_challenge = options.claims;
  if (options.maxAge !== undefined) flow.max_age = options.maxAge;
  if (options.responseMode !== undefined) flow.response_mode = options.responseMode;
  return flow;
}

/**
 * Checks the authorization reply against the flow. A state mismatch throws (it may be a
 * forged redirect); an `error` from the authorization server is returned as a value,
 * copying only the OAuth error fields so nothing else an attacker put there leaks through.
 */
export function validateAuthCodeResponse(
  flow: Pick<AuthCodeFlow, 'state'>,
  authResponse: Record<string, string | undefined>,
): { code: string } | ErrorResponse {
  if (typeof flow?.state !== 'string' || flow.state === '') {
    throw new InvalidArgumentError('The auth code flow has no state; pass the object initiateAuthCodeFlow returned');
  }
  if (authResponse.state !== flow.state) {
    throw new StateMismatchError(
      authResponse.state === undefined ? 'The authorization reply carries no state' : 'The authorization reply state does not match the flow',
    );
  }
  if (typeof authResponse.code === 'string' && authResponse.code !== '') return { code: authResponse.code };
  if (typeof authResponse.error === 'string' && authResponse.error !== '') {
    // RFC 6749 4.1.2.1's fields only, as the reference copies them.
    const err: ErrorResponse = { error: authResponse.error };
    for (const k of ['error_description', 'error_uri'] as const) {
      const v = authResponse[k];
      if (v) err[k] = v;
    }
    return err;
  }
  throw new InvalidArgumentError('The authorization reply carries neither code nor error');
}
