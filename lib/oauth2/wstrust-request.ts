/**
 * The WS-Trust username/password exchange for federated accounts: pick the
 * federation server's endpoint (MEX, else the active auth URL from user realm
 * discovery), send a RequestSecurityToken, and hand back the SAML assertion
 * for the SAML bearer grant.
 */
import { randomUUID } from 'node:crypto';
import { AbortError, DiscoveryError, InvalidArgumentError } from '../errors.js';
import type { HttpClient } from '../http/types.js';
import { silentLogger, type Logger } from '../app/logger.js';
import type { ErrorResponse } from './types.js';
import type { UserRealm } from './user-realm.js';
import {
  WsTrustAction,
  fetchMex,
  isSecureEndpoint,
  preferredEndpoint,
  type MexEndpoints,
  type WsTrustEndpoint,
} from './wstrust-mex.js';
import { parseRstr, type SamlAssertion } from './wstrust-response.js';
import { escapeXml } from './wstrust-xml.js';

/** The audience Entra ID asks federation servers to issue for, when user realm discovery names none. */
export const DEFAULT_CLOUD_AUDIENCE_URN = 'urn:federation:MicrosoftOnline';

/** How long the request's WS-Security timestamp stays valid. */
const RST_LIFETIME_MS = 10 * 60 * 1000;

const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsp: 'http://schemas.xmlsoap.org/ws/2004/09/policy',
} as const;

/** Per-version RST vocabulary. */
const RST_VOCABULARY: Readonly<Record<WsTrustEndpoint['version'], { trust: string; keyType: string; requestType: string }>> =
  {
    '1.3': {
      trust: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
      keyType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer',
      requestType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue',
    },
    '2005': {
      trust: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
      keyType: 'http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey',
      requestType: 'http://schemas.xmlsoap.org/ws/2005/02/trust/Issue',
    },
  };

export interface RstOptions {
  endpoint: WsTrustEndpoint;
  username: string;
  password: string;
  /** The AppliesTo address: the realm's cloud_audience_urn. */
  appliesTo: string;
  /** Defaults to a fresh urn:uuid. */
  messageId?: string | undefined;
  /** Defaults to the current time. */
  now?: Date | undefined;
}

/** Builds the SOAP 1.2 RequestSecurityToken envelope; every interpolated value is XML-escaped. */
export function buildRst(options: RstOptions): string {
  const { endpoint } = options;
  const vocabulary = RST_VOCABULARY[endpoint.version];
  const now = options.now ?? new Date();
  const e = escapeXml;
  return [
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:wsa="${NS.wsa}" xmlns:wsu="${NS.wsu}">`,
    '<s:Header>',
    `<wsa:Action s:mustUnderstand="1">${WsTrustAction[endpoint.version]}</wsa:Action>`,
    `<wsa:MessageID>${e(options.messageId ?? `urn:uuid:${randomUUID()}`)}</wsa:MessageID>`,
    '<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo>',
    `<wsa:To s:mustUnderstand="1">${e(endpoint.url)}</wsa:To>`,
    `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${NS.wsse}">`,
    '<wsu:Timestamp wsu:Id="_0">',
    `<wsu:Created>${wsuTime(now)}</wsu:Created>`,
    `<wsu:Expires>${wsuTime(new Date(now.getTime() + RST_LIFETIME_MS))}</wsu:Expires>`,
    '</wsu:Timestamp>',
    '<wsse:UsernameToken wsu:Id="UsernameToken-1">',
    `<wsse:Username>${e(options.username)}</wsse:Username>`,
    `<wsse:Password>${e(options.password)}</wsse:Password>`,
    '</wsse:UsernameToken>',
    '</wsse:Security>',
    '</s:Header>',
    '<s:Body>',
    `<wst:RequestSecurityToken xmlns:wst="${vocabulary.trust}">`,
    `<wsp:AppliesTo xmlns:wsp="${NS.wsp}">`,
    `<wsa:EndpointReference><wsa:Address>${e(options.appliesTo)}</wsa:Address></wsa:EndpointReference>`,
    '</wsp:AppliesTo>',
    `<wst:KeyType>${vocabulary.keyType}</wst:KeyType>`,
    `<wst:RequestType>${vocabulary.requestType}</wst:RequestType>`,
    '</wst:RequestSecurityToken>',
    '</s:Body>',
    '</s:Envelope>',
  ].join('');
}

/** Sends an RST and reads the reply; a SOAP fault comes back as an ErrorResponse value. */
export async function sendWsTrustRequest(
  http: HttpClient,
  options: Omit<RstOptions, 'now' | 'messageId'> & { signal?: AbortSignal | undefined },
): Promise<SamlAssertion | ErrorResponse> {
  const response = await http.send({
    method: 'POST',
    url: options.endpoint.url,
    headers: {
      'Content-Type': 'application/soap+xml; charset=utf-8',
      SOAPAction: WsTrustAction[options.endpoint.version],
    },
    body: buildRst(options),
    signal: options.signal,
  });
  return parseRstr(response.body, response.status);
}

/**
 * The endpoint behind a realm's federation_active_auth_url. Its version can
 * only be read from the ADFS path convention; guessing would send a request
 * the server rejects with a confusing fault, so an unknown path is an error.
 */
export function endpointFromActiveAuthUrl(url: string): WsTrustEndpoint {
  const { pathname } = parseUrl(url);
  if (pathname.toLowerCase().includes('/trust/2005/usernamemixed')) return { url, version: '2005' };
  if (pathname.toLowerCase().includes('/trust/13/usernamemixed')) return { url, version: '1.3' };
  throw new DiscoveryError(`Cannot tell the WS-Trust version of the federation endpoint ${url}`);
}

export interface ObtainSamlAssertionOptions {
  /** From discoverUserRealm; must be Federated. */
  realm: UserRealm;
  username: string;
  password: string;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
}

/**
 * Steps 2 and 3 of a federated username/password sign-in: find the WS-Trust
 * endpoint, then trade the credentials for a SAML assertion. A wrong password
 * is an `invalid_grant` value; malformed replies throw MalformedResponseError.
 */
export async function obtainSamlAssertion(
  http: HttpClient,
  options: ObtainSamlAssertionOptions,
): Promise<SamlAssertion | ErrorResponse> {
  const { realm, signal } = options;
  if (realm.account_type !== 'Federated') {
    throw new InvalidArgumentError(`WS-Trust needs a Federated account; user realm discovery said ${realm.account_type}`);
  }
  const endpoint = await findEndpoint(http, realm, signal, options.logger ?? silentLogger);
  if (!isSecureEndpoint(endpoint.url)) {
    throw new DiscoveryError(`Refusing to send a password to the federation endpoint ${endpoint.url}: it is not HTTPS`);
  }
  return sendWsTrustRequest(http, {
    endpoint,
    username: options.username,
    password: options.password,
    appliesTo: realm.cloud_audience_urn ?? DEFAULT_CLOUD_AUDIENCE_URN,
    signal,
  });
}

async function findEndpoint(
  http: HttpClient,
  realm: UserRealm,
  signal: AbortSignal | undefined,
  logger: Logger,
): Promise<WsTrustEndpoint> {
  const activeAuthUrl = realm.federation_active_auth_url;
  const fallback = (reason: string, cause?: unknown): WsTrustEndpoint => {
    if (activeAuthUrl === undefined) {
      if (cause !== undefined) throw cause;
      throw new DiscoveryError(reason);
    }
    logger.log('warning', `${reason}; using the realm's federation_active_auth_url instead`);
    return endpointFromActiveAuthUrl(activeAuthUrl);
  };
  if (realm.federation_metadata_url === undefined) {
    return fallback('User realm discovery named no federation metadata (MEX) URL');
  }
  let mex: MexEndpoints;
  try {
    mex = await fetchMex(http, realm.federation_metadata_url, { signal });
  } catch (e) {
    // The caller gave up: no fallback request.
    if (e instanceof AbortError || signal?.aborted === true) throw e;
    const code = (e as { code?: unknown }).code;
    return fallback(`The federation metadata (MEX) request failed (${typeof code === 'string' ? code : 'error'})`, e);
  }
  return (
    preferredEndpoint(mex) ?? fallback('The federation metadata (MEX) offers no usable username/password WS-Trust endpoint')
  );
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (e) {
    throw new DiscoveryError(`The federation endpoint URL ${url} is not a URL`, { cause: e });
  }
}

/** yyyy-mm-ddThh:mm:ssZ: the form ADFS is known to accept (no fractional seconds). */
function wsuTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
