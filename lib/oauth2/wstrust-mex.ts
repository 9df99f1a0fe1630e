/**
 * WS-MetadataExchange: finds the username/password ("usernamemixed")
 * WS-Trust endpoints a federation server (ADFS) publishes in its WSDL.
 */
import { DiscoveryError, MalformedResponseError } from '../errors.js';
import type { HttpClient } from '../http/types.js';
import { attributeOf, children, descendants, parseXml, path, textOf } from './wstrust-xml.js';

export type WsTrustVersion = '1.3' | '2005';

export interface WsTrustEndpoint {
  url: string;
  version: WsTrustVersion;
}

/** The usernamemixed endpoints a MEX document offers, at most one per version. */
export interface MexEndpoints {
  wsTrust13?: WsTrustEndpoint;
  wsTrust2005?: WsTrustEndpoint;
}

/** The SOAP action of an RST Issue request, per version; also how MEX bindings name their version. */
export const WsTrustAction: Readonly<Record<WsTrustVersion, string>> = {
  '1.3': 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue',
  '2005': 'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue',
};

const SOAP_HTTP_TRANSPORT = 'http://schemas.xmlsoap.org/soap/http';

export async function fetchMex(
  http: HttpClient,
  url: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<MexEndpoints> {
  const response = await http.send({ method: 'GET', url, signal: options.signal });
  if (response.status < 200 || response.status >= 300) {
    throw new DiscoveryError(`The federation metadata (MEX) request failed with HTTP ${response.status}`);
  }
  return parseMex(response.body, response.status);
}

/** Reads a MEX document; throws MalformedResponseError when it is not a WSDL document. */
export function parseMex(xml: string, status?: number): MexEndpoints {
  const doc = parseXml(xml, 'The federation metadata (MEX) document', { status });
  const definitions = path(doc, 'definitions');
  if (definitions === undefined) {
    throw new MalformedResponseError('The federation metadata (MEX) document is not a WSDL document', {
      status,
      body: xml,
    });
  }
  const policies = usernamePasswordPolicyIds(definitions);
  const bindings = usernamePasswordBindings(definitions, policies);
  const found: MexEndpoints = {};
  for (const service of children(definitions, 'service')) {
    for (const port of children(service, 'port')) {
      // Port bindings are QNames ("tns:Name"); binding names are bare.
      const version = bindings.get(localName(attributeOf(port, 'binding') ?? ''));
      const url =
        textOf(path(port, 'EndpointReference', 'Address')) ?? attributeOf(path(port, 'address'), 'location');
      if (version === undefined || url === undefined || !isSecureEndpoint(url)) continue;
      const key = version === '1.3' ? 'wsTrust13' : 'wsTrust2005';
      found[key] ??= { url, version };
    }
  }
  return found;
}

/** WS-Trust 1.3 when offered (the version MSAL has always preferred), else 2005. */
export function preferredEndpoint(mex: MexEndpoints): WsTrustEndpoint | undefined {
  return mex.wsTrust13 ?? mex.wsTrust2005;
}

/**
 * Passwords travel in these requests, so only TLS endpoints qualify; plain
 * HTTP is allowed on loopback alone, where a local test server lives.
 */
export function isSecureEndpoint(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

/**
 * Ids (as "#Id" references) of policies that ask for a WS-Security username
 * token over a secure transport: sp:SignedEncryptedSupportingTokens in
 * WS-SecurityPolicy 1.2 (WS-Trust 1.3), sp:SignedSupportingTokens in the 2005 draft.
 */
function usernamePasswordPolicyIds(definitions: unknown): Set<string> {
  const ids = new Set<string>();
  for (const policy of children(definitions, 'Policy')) {
    const id = attributeOf(policy, 'Id');
    if (id === undefined || descendants(policy, 'TransportBinding').length === 0) continue;
    const alternatives = children(path(policy, 'ExactlyOne'), 'All');
    const asksForUsername = alternatives.some((all) =>
      ['SignedEncryptedSupportingTokens', 'SignedSupportingTokens'].some(
        (tokens) => path(all, tokens, 'Policy', 'UsernameToken', 'Policy', 'WssUsernameToken10') !== undefined,
      ),
    );
    if (asksForUsername) ids.add(`#${id}`);
  }
  return ids;
}

/** Binding name → WS-Trust version, for SOAP-over-HTTP bindings bound to a username policy. */
function usernamePasswordBindings(definitions: unknown, policyIds: Set<string>): Map<string, WsTrustVersion> {
  const bindings = new Map<string, WsTrustVersion>();
  for (const binding of children(definitions, 'binding')) {
    const name = attributeOf(binding, 'name');
    // wsdl:binding and its soap12:binding child share a local name.
    const transport = attributeOf(path(binding, 'binding'), 'transport');
    const action = attributeOf(path(binding, 'operation', 'operation'), 'soapAction');
    const version = versionOfAction(action);
    const usesPolicy = children(binding, 'PolicyReference').some((ref) => policyIds.has(attributeOf(ref, 'URI') ?? ''));
    if (name !== undefined && transport === SOAP_HTTP_TRANSPORT && version !== undefined && usesPolicy) {
      bindings.set(name, version);
    }
  }
  return bindings;
}

function versionOfAction(action: string | undefined): WsTrustVersion | undefined {
  if (action === WsTrustAction['1.3']) return '1.3';
  if (action === WsTrustAction['2005']) return '2005';
  return undefined;
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(':') + 1);
}
