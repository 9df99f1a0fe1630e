/**
 * Token and device-code endpoints for the local STS: every grant the library sends, with
 * Entra-shaped replies and errors. Tests steer and inspect it through StsState.
 */
import { createHash, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { LocalSts, StsReply, StsRequest } from './server.js';
import { createSigningKey, encodeClientInfo, mintAccessToken, mintIdToken, type SigningKey } from './tokens.js';

export interface StsUser {
  oid: string;
  tid: string;
  username: string;
  password?: string;
  name?: string;
}

export interface StsClientApp {
  clientId: string;
  secret?: string;
  /**
   * Verifies this client's client_assertion JWTs: a public key or certificate PEM, a KeyObject,
   * a JWK or a CryptoKey. Prefer PEM/KeyObject: a CryptoKey is bound to one algorithm (RS256 or PS256).
   */
  assertionKey?: string | CryptoKey | KeyObject | JWK;
  /** FOCI family ("1" for Microsoft's first-party family). */
  familyId?: string;
}

export interface AuthCodeRecord {
  clientId: string;
  oid: string;
  scope: string;
  redirectUri?: string | undefined;
  codeChallenge?: string | undefined;
  codeChallengeMethod?: 'S256' | 'plain' | undefined;
  nonce?: string | undefined;
  /** Epoch ms. */
  expiresAt: number;
}

export interface RefreshTokenRecord {
  clientId: string;
  oid: string;
  scope: string;
  familyId?: string;
}

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface DeviceCodeRecord {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  status: DeviceCodeStatus;
  /** The next this-many polls answer slow_down. */
  slowDowns: number;
  polls: number;
  oid?: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface IssuedRecord {
  grantType: string;
  clientId: string;
  oid?: string;
  scope: string;
  tokenType: string;
  refreshToken?: string;
}

const RESERVED = new Set(['openid', 'profile', 'offline_access']);
const TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

export class StsState {
  readonly users = new Map<string, StsUser>();
  readonly clients = new Map<string, StsClientApp>();
  readonly authCodes = new Map<string, AuthCodeRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly deviceCodes = new Map<string, DeviceCodeRecord>();
  /** Every token reply the STS produced, oldest first. */
  readonly issued: IssuedRecord[] = [];
  accessTokenLifetime = 3600;
  extAccessTokenLifetime = 7200;
  /** When set, replies carry refresh_in (seconds). */
  refreshIn: number | undefined;
  /** Invalidate a refresh token once it is redeemed, handing out a new one. */
  rotateRefreshTokens = true;
  deviceInterval = 5;
  deviceExpiresIn = 900;

  constructor(
    readonly sts: LocalSts,
    readonly key: SigningKey,
    /** The tenant app-only tokens land in when the path says common/organizations. */
    readonly defaultTenantId: string,
  ) {}

  issuer(tid: string): string {
    return `${this.sts.baseUrl}/${tid}/v2.0`;
  }

  addUser(user: StsUser): StsUser {
    this.users.set(user.username.toLowerCase(), user);
    return user;
  }

  addClient(client: StsClientApp): StsClientApp {
    this.clients.set(client.clientId, client);
    return client;
  }

  userByName(username: string): StsUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  userByOid(oid: string): StsUser | undefined {
    return [...this.users.values()].find((u) => u.oid === oid);
  }
}

/** Registers a code the way /authorize would have after the user signed in; returns the code. */
export function issueAuthCode(
  state: StsState,
  args: Omit<AuthCodeRecord, 'oid' | 'expiresAt'> & { username: string; lifetimeSeconds?: number | undefined },
): string {
  const user = state.userByName(args.username);
  if (!user) throw new Error(`issueAuthCode: unknown user ${args.username}`);
  const { username: _u, lifetimeSeconds, ...rest } = args;
  const code = `code-${randomBytes(12).toString('base64url')}`;
  state.authCodes.set(code, { ...rest, oid: user.oid, expiresAt: Date.now() + (lifetimeSeconds ?? 600) * 1000 });
  return code;
}

function deviceRecord(state: StsState, code: string): DeviceCodeRecord {
  const rec = [...state.deviceCodes.values()].find((r) => r.userCode === code || r.deviceCode === code);
  if (!rec) throw new Error(`unknown device or user code ${code}`);
  return rec;
}

/** The user entered the code and signed in. */
export function approveDeviceCode(state: StsState, code: string, username: string): void {
  const user = state.userByName(username);
  if (!user) throw new Error(`approveDeviceCode: unknown user ${username}`);
  Object.assign(deviceRecord(state, code), { status: 'approved', oid: user.oid });
}

export function denyDeviceCode(state: StsState, code: string): void {
  deviceRecord(state, code).status = 'denied';
}

export function expireDeviceCode(state: StsState, code: string): void {
  deviceRecord(state, code).status = 'expired';
}

/** The next `times` polls get slow_down. */
export function slowDownDeviceCode(state: StsState, code: string, times = 1): void {
  deviceRecord(state, code).slowDowns += times;
}

/** An Entra-style OAuth error; thrown inside handlers and turned into the reply. */
class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    readonly description: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(description);
  }
}

const fail = (status: number, error: string, aadsts: number, description: string, extra?: Record<string, unknown>): never => {
  throw new OAuthFailure(status, error, aadsts, description, extra);
};

function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  return v === null || v === '' ? fail(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`) : v;
}

function errorReply(e: OAuthFailure, correlationId: string): StsReply {
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    status: e.status,
    body: {
      error: e.error,
      error_description: `AADSTS${e.aadsts}: ${e.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [e.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      ...e.extra,
    },
  };
}

function correlationIdOf(req: StsRequest): string {
  const h = req.headers['client-request-id'];
  return typeof h === 'string' && h !== '' ? h : randomUUID();
}

/** Resource (audience) a scope list asks for: the URI before the last slash, else Microsoft Graph. */
function audienceOf(scopes: string[]): string {
  const resource = scopes.find((s) => !RESERVED.has(s));
  if (!resource) return '00000003-0000-0000-c000-000000000000';
  const slash = resource.lastIndexOf('/');
  return slash > 0 && resource.includes('://') ? resource.slice(0, slash) : '00000003-0000-0000-c000-000000000000';
}

async function authenticateClient(state: StsState, clientId: string, form: URLSearchParams, tokenUrl: string): Promise<boolean> {
  const app = state.clients.get(clientId);
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (!app) {
    if (secret !== null || assertion !== null) fail(401, 'invalid_client', 700016, `Application with identifier '${clientId}' was not found.`);
    return false;
  }
  if (secret !== null) {
    if (app.secret === undefined || secret !== app.secret) fail(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    return true;
  }
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      fail(400, 'invalid_request', 90014, "The required field 'client_assertion_type' is missing or wrong.");
    }
    if (!app.assertionKey) fail(401, 'invalid_client', 700027, 'No certificate is registered for this application.');
    try {
      const key = typeof app.assertionKey === 'string' ? createPublicKey(app.assertionKey) : app.assertionKey;
      await jwtVerify(assertion, key as CryptoKey, { issuer: clientId, subject: clientId, audience: tokenUrl, algorithms: ['RS256', 'PS256'] });
    } catch (e) {
      fail(401, 'invalid_client', 700027, `Client assertion failed signature validation. (${(e as Error).message})`);
    }
    return true;
  }
  if (app.secret !== undefined || app.assertionKey !== undefined) {
    fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  return false;
}

interface PopBinding {
  tokenType: string;
  cnf: Record<string, unknown>;
}

function popBinding(form: URLSearchParams): PopBinding | undefined {
  const tokenType = form.get('token_type');
  if (tokenType === null || tokenType.toLowerCase() === 'bearer') return undefined;
  const reqCnf = required(form, 'req_cnf');
  try {
    if (tokenType === 'pop') {
      const { kid } = JSON.parse(Buffer.from(reqCnf, 'base64url').toString('utf8')) as { kid?: unknown };
      if (typeof kid === 'string' && kid !== '') return { tokenType: 'pop', cnf: { kid } };
    } else if (tokenType === 'ssh-cert') {
      const jwk = JSON.parse(reqCnf) as unknown;
      if (typeof jwk === 'object' && jwk !== null) return { tokenType: 'ssh-cert', cnf: { jwk } };
    }
  } catch {
    // fall through to the error below
  }
  return fail(400, 'invalid_request', 5002729, `Invalid token_type/req_cnf combination (${tokenType}).`);
}

/** Verifies a JWT this STS issued (OBO assertions, user federated identity credentials). */
async function verifyOwnToken(state: StsState, token: string): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, state.key.publicKey)).payload;
  } catch (e) {
    return fail(400, 'invalid_grant', 50013, `Assertion failed signature validation. (${(e as Error).message})`);
  }
}

interface GrantContext {
  state: StsState;
  form: URLSearchParams;
  clientId: string;
  confidential: boolean;
}

interface GrantOutcome {
  user?: StsUser;
  scope: string;
  nonce?: string;
  /** Extra access-token claims. */
  atClaims?: Record<string, unknown>;
}

function requireConfidential(ctx: GrantContext): void {
  if (!ctx.confidential) {
    fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
}

function knownUser(user: StsUser | undefined, what: string): StsUser {
  return user ?? fail(400, 'invalid_grant', 50034, `The user account ${what} does not exist in the directory.`);
}

function samlSubject(xml: string, version: '1.1' | '2.0'): string | undefined {
  const isV1 = /MajorVersion="1"/.test(xml);
  const isV2 = /Version="2\.0"/.test(xml);
  if ((version === '1.1' && !isV1) || (version === '2.0' && !isV2)) return undefined;
  const re = version === '1.1' ? /<(?:\w+:)?NameIdentifier[^>]*>([^<]+)</ : /<(?:\w+:)?NameID[^>]*>([^<]+)</;
  return re.exec(xml)?.[1]?.trim();
}

function samlGrant(version: '1.1' | '2.0') {
  return ({ state, form }: GrantContext): GrantOutcome => {
    const xml = Buffer.from(required(form, 'assertion'), 'base64url').toString('utf8');
    const subject = samlSubject(xml, version) ?? fail(400, 'invalid_grant', 50008, `SAML ${version} assertion is missing or misconfigured.`);
    return { user: knownUser(state.userByName(subject), subject), scope: required(form, 'scope') };
  };
}

const grantHandlers: Record<string, (ctx: GrantContext) => GrantOutcome | Promise<GrantOutcome>> = {
  authorization_code({ state, form, clientId }) {
    const code = required(form, 'code');
    const rec = state.authCodes.get(code);
    state.authCodes.delete(code); // codes are single-use, even when redemption fails
    if (!rec) return fail(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    if (rec.expiresAt < Date.now()) fail(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired.');
    if (rec.clientId !== clientId) fail(400, 'invalid_grant', 70000, 'The authorization code was issued to another client.');
    if (rec.redirectUri !== undefined && form.get('redirect_uri') !== rec.redirectUri) {
      fail(400, 'invalid_grant', 50011, 'The redirect URI does not match the one used to obtain the authorization code.');
    }
    if (rec.codeChallenge !== undefined) {
      const verifier = form.get('code_verifier');
      const computed =
        verifier === null ? undefined : rec.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier, 'ascii').digest('base64url');
      if (computed !== rec.codeChallenge) {
        fail(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      }
    }
    const user = knownUser(state.userByOid(rec.oid), rec.oid);
    return { user, scope: form.get('scope') ?? rec.scope, ...(rec.nonce !== undefined ? { nonce: rec.nonce } : {}) };
  },

  refresh_token({ state, form, clientId }) {
    const rt = required(form, 'refresh_token');
    const rec = state.refreshTokens.get(rt) ?? fail(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', { suberror: 'bad_token' });
    const sameFamily = rec.familyId !== undefined && state.clients.get(clientId)?.familyId === rec.familyId;
    if (rec.clientId !== clientId && !sameFamily) {
      fail(400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.', { suberror: 'client_mismatch' });
    }
    if (state.rotateRefreshTokens) state.refreshTokens.delete(rt);
    return { user: knownUser(state.userByOid(rec.oid), rec.oid), scope: form.get('scope') ?? rec.scope };
  },

  client_credentials(ctx) {
    requireConfidential(ctx);
    const scope = required(ctx.form, 'scope');
    if (!scope.split(' ').every((s) => s.endsWith('/.default'))) {
      fail(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
    }
    const fmiPath = ctx.form.get('fmi_path');
    return { scope, ...(fmiPath !== null ? { atClaims: { fmi_path: fmiPath } } : {}) };
  },

  'urn:ietf:params:oauth:grant-type:device_code'({ state, form, clientId }) {
    const rec = state.deviceCodes.get(required(form, 'device_code')) ?? fail(400, 'invalid_grant', 70019, 'Verification code expired or unknown.');
    if (rec.clientId !== clientId) fail(400, 'invalid_grant', 70000, 'The device code was issued to another client.');
    rec.polls += 1;
    if (rec.status === 'expired' || rec.expiresAt < Date.now()) fail(400, 'expired_token', 70020, 'The provided value for the input parameter device_code is expired.');
    if (rec.status === 'denied') fail(400, 'authorization_declined', 70000, 'The user declined the request.');
    if (rec.slowDowns > 0) {
      rec.slowDowns -= 1;
      fail(400, 'slow_down', 70016, 'Polling too fast; slow down.');
    }
    if (rec.status === 'pending' || rec.oid === undefined) {
      fail(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
    }
    state.deviceCodes.delete(rec.deviceCode);
    return { user: knownUser(state.userByOid(rec.oid as string), String(rec.oid)), scope: rec.scope };
  },

  password({ state, form }) {
    const username = required(form, 'username');
    const user = state.userByName(username);
    if (!user || user.password === undefined || user.password !== form.get('password')) {
      fail(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
    }
    return { user: user as StsUser, scope: required(form, 'scope') };
  },

  async 'urn:ietf:params:oauth:grant-type:jwt-bearer'(ctx) {
    requireConfidential(ctx);
    if (ctx.form.get('requested_token_use') !== 'on_behalf_of') {
      fail(400, 'invalid_request', 50027, "requested_token_use must be 'on_behalf_of'.");
    }
    const claims = await verifyOwnToken(ctx.state, required(ctx.form, 'assertion'));
    const oid = typeof claims.oid === 'string' ? claims.oid : '';
    return { user: knownUser(ctx.state.userByOid(oid), oid), scope: required(ctx.form, 'scope') };
  },

  async user_fic(ctx) {
    requireConfidential(ctx);
    await verifyOwnToken(ctx.state, required(ctx.form, 'user_federated_identity_credential'));
    const username = ctx.form.get('username');
    const userId = ctx.form.get('user_id');
    const user =
      username !== null ? ctx.state.userByName(username) : userId !== null ? ctx.state.userByOid(userId) : fail(400, 'invalid_request', 900144, "The request body must contain 'username' or 'user_id'.");
    return { user: knownUser(user, username ?? userId ?? ''), scope: required(ctx.form, 'scope') };
  },

  'urn:ietf:params:oauth:grant-type:saml1_1-bearer': samlGrant('1.1'),
  'urn:ietf:params:oauth:grant-type:saml2-bearer': samlGrant('2.0'),
};

async function tokenReply(state: StsState, tenant: string, grantType: string, ctx: GrantContext, outcome: GrantOutcome, pop: PopBinding | undefined): Promise<Record<string, unknown>> {
  const scopes = outcome.scope.split(' ').filter((s) => s !== '');
  const user = outcome.user;
  const tid = user?.tid ?? (TENANT_ALIASES.has(tenant) ? state.defaultTenantId : tenant);
  const issuer = state.issuer(tid);
  const app = state.clients.get(ctx.clientId);
  const tokenType = pop?.tokenType ?? 'Bearer';
  const accessToken = await mintAccessToken(state.key, {
    issuer,
    audience: audienceOf(scopes),
    clientId: ctx.clientId,
    scope: scopes.filter((s) => !RESERVED.has(s)).join(' '),
    ...(user ? { user: { oid: user.oid, tid: user.tid, preferredUsername: user.username } } : {}),
    tid,
    lifetimeSeconds: state.accessTokenLifetime,
    ...(pop ? { cnf: pop.cnf } : {}),
    ...(outcome.atClaims ? { extra: outcome.atClaims } : {}),
  });
  const body: Record<string, unknown> = {
    token_type: tokenType,
    scope: scopes.filter((s) => s !== 'offline_access').join(' '),
    expires_in: state.accessTokenLifetime,
    ext_expires_in: state.extAccessTokenLifetime,
    access_token: pop?.tokenType === 'ssh-cert' ? `ssh-rsa-cert-v01@openssh.com ${Buffer.from(accessToken).toString('base64')}` : accessToken,
  };
  if (state.refreshIn !== undefined) body.refresh_in = state.refreshIn;
  let refreshToken: string | undefined;
  if (user) {
    if (scopes.includes('openid')) {
      body.id_token = await mintIdToken(state.key, {
        issuer,
        clientId: ctx.clientId,
        oid: user.oid,
        tid: user.tid,
        preferredUsername: user.username,
        ...(user.name !== undefined ? { name: user.name } : {}),
        ...(outcome.nonce !== undefined ? { nonce: outcome.nonce } : {}),
      });
    }
    if (ctx.form.get('client_info') === '1') body.client_info = encodeClientInfo(user.oid, user.tid);
    if (scopes.includes('offline_access') || grantType === 'refresh_token') {
      refreshToken = `rt-${randomBytes(24).toString('base64url')}`;
      state.refreshTokens.set(refreshToken, {
        clientId: ctx.clientId,
        oid: user.oid,
        scope: outcome.scope,
        ...(app?.familyId !== undefined ? { familyId: app.familyId } : {}),
      });
      body.refresh_token = refreshToken;
      if (app?.familyId !== undefined) body.foci = app.familyId;
    }
  }
  state.issued.push({
    grantType,
    clientId: ctx.clientId,
    scope: outcome.scope,
    tokenType,
    ...(user ? { oid: user.oid } : {}),
    ...(refreshToken ? { refreshToken } : {}),
  });
  return body;
}

async function handleToken(state: StsState, req: StsRequest, tenant: string): Promise<StsReply> {
  const form = req.form;
  const grantType = required(form, 'grant_type');
  const clientId = required(form, 'client_id');
  const claims = form.get('claims');
  if (claims !== null) {
    try {
      JSON.parse(claims);
    } catch {
      fail(400, 'invalid_request', 90019, 'The claims parameter is not valid JSON.');
    }
  }
  const handler = (Object.hasOwn(grantHandlers, grantType) ? grantHandlers[grantType] : undefined) ?? fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  const confidential = await authenticateClient(state, clientId, form, `${state.sts.baseUrl}${req.path}`);
  const pop = popBinding(form);
  const ctx: GrantContext = { state, form, clientId, confidential };
  const outcome = await handler(ctx);
  return { status: 200, body: await tokenReply(state, tenant, grantType, ctx, outcome, pop) };
}

function handleDeviceCode(state: StsState, req: StsRequest): StsReply {
  const clientId = required(req.form, 'client_id');
  const scope = required(req.form, 'scope');
  const deviceCode = `dc-${randomBytes(24).toString('base64url')}`;
  const userCode = Array.from(randomBytes(8), (b) => String.fromCharCode(65 + (b % 26))).join('');
  state.deviceCodes.set(deviceCode, {
    deviceCode,
    userCode,
    clientId,
    scope,
    status: 'pending',
    slowDowns: 0,
    polls: 0,
    expiresAt: Date.now() + state.deviceExpiresIn * 1000,
  });
  const verificationUri = `${state.sts.baseUrl}/devicelogin`;
  return {
    status: 200,
    body: {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: state.deviceExpiresIn,
      interval: state.deviceInterval,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    },
  };
}

function guarded(fn: (req: StsRequest, tenant: string) => StsReply | Promise<StsReply>) {
  return async (req: StsRequest): Promise<StsReply> => {
    const tenant = /^\/([^/]+)\//.exec(req.path)?.[1] ?? 'common';
    try {
      return await fn(req, tenant);
    } catch (e) {
      if (e instanceof OAuthFailure) return errorReply(e, correlationIdOf(req));
      throw e;
    }
  };
}

export interface TokenEndpointsOptions {
  key?: SigningKey;
  defaultTenantId?: string;
  users?: StsUser[];
  clients?: StsClientApp[];
}

/** Adds POST /<tenant>/oauth2/v2.0/token and /devicecode to the STS, for any tenant. */
export async function registerTokenEndpoints(sts: LocalSts, options: TokenEndpointsOptions = {}): Promise<StsState> {
  const state = new StsState(sts, options.key ?? (await createSigningKey()), options.defaultTenantId ?? randomUUID());
  for (const u of options.users ?? []) state.addUser(u);
  for (const c of options.clients ?? []) state.addClient(c);
  sts.routePattern('POST', /^\/[^/]+\/oauth2\/v2\.0\/token$/, guarded((req, tenant) => handleToken(state, req, tenant)));
  sts.routePattern('POST', /^\/[^/]+\/oauth2\/v2\.0\/devicecode$/, guarded((req) => handleDeviceCode(state, req)));
  return state;
}
