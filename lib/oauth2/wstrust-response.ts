/**
 * Reads a WS-Trust RequestSecurityTokenResponse (RSTR): the SAML assertion it
 * carries, or the SOAP fault the federation server sent instead.
 */
import { MalformedResponseError, UnsupportedError } from '../errors.js';
import type { ErrorResponse } from './types.js';
import { children, descendants, parseXml, path, textOf } from './wstrust-xml.js';

export type SamlVersion = '1.1' | '2.0';

/** What the SAML bearer grant needs from a federation server. */
export interface SamlAssertion {
  /** The assertion XML exactly as the server sent it, so its signature still verifies. */
  assertion: string;
  samlVersion: SamlVersion;
}

/** RSTR token types, and the SAML version each one means. */
export const SamlTokenType: Readonly<Record<string, SamlVersion>> = {
  'urn:oasis:names:tc:SAML:1.0:assertion': '1.1',
  'urn:oasis:names:tc:SAML:2.0:assertion': '2.0',
  // WSS SAML Token Profile 1.1 names for the same two tokens.
  'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1': '1.1',
  'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0': '2.0',
};

const WHAT = 'The WS-Trust response';

/**
 * Federation servers answer a bad password with HTTP 500 and a SOAP fault, so
 * the body is read whatever the status; the fault becomes an `invalid_grant` value.
 */
export function parseRstr(body: string, status?: number): SamlAssertion | ErrorResponse {
  const doc = parseXml(body, WHAT, { status, rawElements: ['RequestedSecurityToken'] });
  const soapBody = path(doc, 'Envelope', 'Body');
  if (soapBody === undefined) {
    throw new MalformedResponseError(`${WHAT} is not a SOAP envelope`, { status, body });
  }
  const fault = path(soapBody, 'Fault');
  if (fault !== undefined) return faultToError(fault);

  // 1.3 wraps responses in a collection; 2005 puts one directly in the body.
  for (const rstr of descendants(soapBody, 'RequestSecurityTokenResponse')) {
    const tokenType = textOf(path(rstr, 'TokenType'));
    const token = textOf(path(rstr, 'RequestedSecurityToken'));
    if (tokenType === undefined || token === undefined) continue;
    const samlVersion = SamlTokenType[tokenType];
    if (samlVersion === undefined) {
      throw new UnsupportedError(`The federation server issued a token of unsupported type ${tokenType}`);
    }
    return { assertion: token, samlVersion };
  }
  throw new MalformedResponseError(`${WHAT} holds neither a security token nor a fault`, { status, body });
}

function faultToError(fault: unknown): ErrorResponse {
  // SOAP 1.2 (Reason/Text, Code/Subcode/Value) first, then SOAP 1.1 (faultstring, faultcode).
  const reason =
    children(path(fault, 'Reason'), 'Text').map(textOf).find((t) => t !== undefined) ??
    textOf(path(fault, 'faultstring'));
  const code = textOf(path(fault, 'Code', 'Subcode', 'Value')) ?? textOf(path(fault, 'faultcode'));
  const error: ErrorResponse = {
    error: 'invalid_grant',
    error_description: reason ?? code ?? 'The federation server returned a SOAP fault',
  };
  if (code !== undefined) error['fault_code'] = code;
  return error;
}
