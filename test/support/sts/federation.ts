/**
 * Federation routes for the LocalSts: Entra user realm discovery, an ADFS-like
 * MEX document, and WS-Trust 1.3 / 2005 usernamemixed endpoints that check
 * the credentials in the SOAP body and issue SAML 1.1 or 2.0 assertions.
 */
import { randomUUID } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { LocalSts, StsReply, StsRequest } from './server.js';

export type FederationWsTrustVersion = '1.3' | '2005';

export interface FederatedUser {
  password: string;
  federated: boolean;
  /** The assertion the WS-Trust endpoints issue for this user; default 1.1. */
  samlVersion?: '1.1' | '2.0';
}

export interface FederationOptions {
  users: Record<string, FederatedUser>;
  /** Endpoints the MEX document advertises; default both. */
  mexVersions?: FederationWsTrustVersion[];
  /** cloud_audience_urn in realm replies; default urn:federation:MicrosoftOnline. */
  cloudAudienceUrn?: string;
}

/** What a WS-Trust endpoint read from one RequestSecurityToken. */
export interface ReceivedRst {
  version: FederationWsTrustVersion;
  action?: string | undefined;
  messageId?: string | undefined;
  to?: string | undefined;
  created?: string | undefined;
  expires?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  appliesTo?: string | undefined;
  keyType?: string | undefined;
  requestType?: string | undefined;
}

export interface IssuedAssertion {
  username: string;
  samlVersion: '1.1' | '2.0';
  /** The assertion XML exactly as placed in the RSTR. */
  assertion: string;
}

export interface FederationStub {
  readonly rsts: ReceivedRst[];
  readonly issued: IssuedAssertion[];
}

export const FederationPaths = {
  mex: '/adfs/services/trust/mex',
  wsTrust13: '/adfs/services/trust/13/usernamemixed',
  wsTrust2005: '/adfs/services/trust/2005/usernamemixed',
} as const;

const USER_REALM = /^\/common\/userrealm\/([^/]+)$/;
const DEFAULT_AUDIENCE = 'urn:federation:MicrosoftOnline';
const SOAP_XML = { 'content-type': 'application/soap+xml; charset=utf-8' };

const VERSIONS: Record<
  FederationWsTrustVersion,
  { path: string; action: string; trust: string; keyType: string; requestType: string; rstrAction: string }
> = {
  '1.3': {
    path: FederationPaths.wsTrust13,
    action: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue',
    trust: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
    keyType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer',
    requestType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue',
    rstrAction: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal',
  },
  '2005': {
    path: FederationPaths.wsTrust2005,
    action: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue',
    trust: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
    keyType: 'http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey',
    requestType: 'http://schemas.xmlsoap.org/ws/2005/02/trust/Issue',
    rstrAction: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RSTR/Issue',
  },
};

export function registerFederation(sts: LocalSts, options: FederationOptions): FederationStub {
  const stub: FederationStub = { rsts: [], issued: [] };
  const audience = options.cloudAudienceUrn ?? DEFAULT_AUDIENCE;
  const lookup = (name: string): FederatedUser | undefined =>
    Object.entries(options.users).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

  sts.routePattern('GET', USER_REALM, (req) => {
    const username = decodeURIComponent(USER_REALM.exec(req.path)?.[1] ?? '');
    const domain = username.split('@')[1] ?? '';
    const user = lookup(username);
    const common = { ver: '1.0', domain_name: domain, cloud_instance_name: 'microsoftonline.com' };
    if (!user) return { body: { ...common, account_type: 'Unknown' } };
    if (!user.federated) return { body: { ...common, account_type: 'Managed', cloud_audience_urn: audience } };
    return {
      body: {
        ...common,
        account_type: 'Federated',
        federation_protocol: 'WSTrust',
        federation_metadata_url: `${sts.baseUrl}${FederationPaths.mex}`,
        federation_active_auth_url: `${sts.baseUrl}${FederationPaths.wsTrust2005}`,
        cloud_audience_urn: audience,
      },
    };
  });

  sts.route('GET', FederationPaths.mex, () => ({
    headers: SOAP_XML,
    body: buildMexDocument(sts.baseUrl, options.mexVersions ?? ['1.3', '2005']),
  }));

  for (const version of ['1.3', '2005'] as const) {
    sts.route('POST', VERSIONS[version].path, (req) => {
      const rst = readRst(req, version);
      if (typeof rst === 'string') return soapFault('invalidRequest', rst);
      stub.rsts.push(rst);
      const user = rst.username === undefined ? undefined : lookup(rst.username);
      if (!user?.federated || user.password !== rst.password || rst.username === undefined) {
        return soapFault('failedAuthentication', 'ID3242: The security token could not be authenticated or authorized.');
      }
      const samlVersion = user.samlVersion ?? '1.1';
      const assertion = samlAssertion(samlVersion, rst.username, rst.appliesTo ?? audience, sts.baseUrl);
      stub.issued.push({ username: rst.username, samlVersion, assertion });
      return { headers: SOAP_XML, body: rstr(version, samlVersion, assertion, rst) };
    });
  }
  return stub;
}

/** An ADFS-shaped WSDL: usernamemixed endpoints per version, plus bindings a client must skip. */
export function buildMexDocument(baseUrl: string, versions: FederationWsTrustVersion[]): string {
  const policies: string[] = [];
  const bindings: string[] = [];
  const ports: string[] = [];
  const add = (name: string, policy: string, action: string, address: string): void => {
    policies.push(`<wsp:Policy wsu:Id="${name}_policy">${policy}</wsp:Policy>`);
    bindings.push(
      `<wsdl:binding name="${name}" type="tns:IWSTrust"><wsp:PolicyReference URI="#${name}_policy"/>` +
        `<soap12:binding transport="http://schemas.xmlsoap.org/soap/http"/>` +
        `<wsdl:operation name="Issue"><soap12:operation soapAction="${action}" style="document"/></wsdl:operation></wsdl:binding>`,
    );
    ports.push(
      `<wsdl:port name="${name}" binding="tns:${name}"><soap12:address location="${address}"/>` +
        `<wsa10:EndpointReference><wsa10:Address>${address}</wsa10:Address></wsa10:EndpointReference></wsdl:port>`,
    );
  };
  // Kerberos-only endpoint: same action, but no username token in its policy.
  add(
    'WindowsWSTrustBinding_IWSTrust13Async',
    '<wsp:ExactlyOne><wsp:All><http:NegotiateAuthentication/><sp:TransportBinding/></wsp:All></wsp:ExactlyOne>',
    VERSIONS['1.3'].action,
    `${baseUrl}/adfs/services/trust/13/windowstransport`,
  );
  if (versions.includes('2005')) {
    add(
      'UserNameWSTrustBinding_IWSTrustFeb2005Async',
      '<wsp:ExactlyOne><wsp:All><sp2005:TransportBinding><wsp:Policy/></sp2005:TransportBinding>' +
        '<sp2005:SignedSupportingTokens><wsp:Policy><sp2005:UsernameToken><wsp:Policy><sp2005:WssUsernameToken10/>' +
        '</wsp:Policy></sp2005:UsernameToken></wsp:Policy></sp2005:SignedSupportingTokens></wsp:All></wsp:ExactlyOne>',
      VERSIONS['2005'].action,
      `${baseUrl}${FederationPaths.wsTrust2005}`,
    );
  }
  if (versions.includes('1.3')) {
    add(
      'UserNameWSTrustBinding_IWSTrust13Async',
      '<wsp:ExactlyOne><wsp:All><sp:TransportBinding><wsp:Policy/></sp:TransportBinding>' +
        '<sp:SignedEncryptedSupportingTokens><wsp:Policy><sp:UsernameToken><wsp:Policy><sp:WssUsernameToken10/>' +
        '</wsp:Policy></sp:UsernameToken></wsp:Policy></sp:SignedEncryptedSupportingTokens></wsp:All></wsp:ExactlyOne>',
      VERSIONS['1.3'].action,
      `${baseUrl}${FederationPaths.wsTrust13}`,
    );
  }
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<wsdl:definitions name="SecurityTokenService" targetNamespace="http://tempuri.org/" xmlns:tns="http://tempuri.org/"` +
    ` xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"` +
    ` xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"` +
    ` xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"` +
    ` xmlns:sp="http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702"` +
    ` xmlns:sp2005="http://schemas.xmlsoap.org/ws/2005/07/securitypolicy"` +
    ` xmlns:http="http://schemas.microsoft.com/ws/06/2004/policy/http"` +
    ` xmlns:wsa10="http://www.w3.org/2005/08/addressing">` +
    policies.join('') +
    bindings.join('') +
    `<wsdl:service name="SecurityTokenService">${ports.join('')}</wsdl:service>` +
    `</wsdl:definitions>`
  );
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  // Needed for numeric character references such as the &#13; clients send for CR.
  htmlEntities: true,
  isArray: (_n, _p, _l, isAttribute) => !isAttribute,
});

/** Reads an RST the way a strict server would; a string is the reason it is rejected. */
function readRst(req: StsRequest, version: FederationWsTrustVersion): ReceivedRst | string {
  if (XMLValidator.validate(req.body) !== true) return 'The request is not well-formed XML.';
  const first = (node: unknown, ...names: string[]): unknown =>
    names.reduce<unknown>((n, name) => (n as Record<string, unknown[]> | undefined)?.[name]?.[0], node);
  const text = (node: unknown): string | undefined => {
    const value = typeof node === 'string' ? node : (node as Record<string, unknown> | undefined)?.['#text'];
    return typeof value === 'string' ? value : undefined;
  };
  const envelope = first(parser.parse(req.body), 'Envelope');
  const header = first(envelope, 'Header');
  const token = first(header, 'Security', 'UsernameToken');
  const body = first(envelope, 'Body', 'RequestSecurityToken');
  const rst: ReceivedRst = {
    version,
    action: text(first(header, 'Action')),
    messageId: text(first(header, 'MessageID')),
    to: text(first(header, 'To')),
    created: text(first(header, 'Security', 'Timestamp', 'Created')),
    expires: text(first(header, 'Security', 'Timestamp', 'Expires')),
    username: text(first(token, 'Username')),
    password: text(first(token, 'Password')),
    appliesTo: text(first(body, 'AppliesTo', 'EndpointReference', 'Address')),
    keyType: text(first(body, 'KeyType')),
    requestType: text(first(body, 'RequestType')),
  };
  const expected = VERSIONS[version];
  if (req.headers['soapaction'] !== expected.action || rst.action !== expected.action) {
    return `The SOAP action is not ${expected.action}.`;
  }
  if (!req.body.includes(`"${expected.trust}"`)) return `The request does not use the ${expected.trust} namespace.`;
  if (rst.keyType !== expected.keyType || rst.requestType !== expected.requestType) {
    return 'The KeyType or RequestType does not match the endpoint version.';
  }
  return rst;
}

const FAULT_SUBCODES = {
  invalidRequest: { ns: VERSIONS['1.3'].trust, value: 'a:InvalidRequest' },
  failedAuthentication: {
    ns: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
    value: 'a:FailedAuthentication',
  },
} as const;

/** ADFS answers credential and request errors with HTTP 500 and a SOAP 1.2 Sender fault. */
function soapFault(subcode: keyof typeof FAULT_SUBCODES, reason: string): StsReply {
  const { ns, value } = FAULT_SUBCODES[subcode];
  return {
    status: 500,
    headers: SOAP_XML,
    body:
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">` +
      `<s:Header><a:Action s:mustUnderstand="1">http://www.w3.org/2005/08/addressing/soap/fault</a:Action></s:Header>` +
      `<s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value xmlns:a="${ns}">${value}</s:Value>` +
      `</s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${escape(reason)}</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`,
  };
}

function rstr(
  version: FederationWsTrustVersion,
  samlVersion: '1.1' | '2.0',
  assertion: string,
  rst: ReceivedRst,
): string {
  const v = VERSIONS[version];
  const tokenType = samlVersion === '1.1' ? 'urn:oasis:names:tc:SAML:1.0:assertion' : 'urn:oasis:names:tc:SAML:2.0:assertion';
  // 1.3 wraps the response in a collection; 2005 sends it bare. Either way the trust namespace is declared once.
  const ns = `xmlns:t="${v.trust}"`;
  const response =
    `<t:RequestSecurityTokenResponse${version === '2005' ? ` ${ns}` : ''}>` +
    `<wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><a:EndpointReference>` +
    `<a:Address>${escape(rst.appliesTo ?? '')}</a:Address></a:EndpointReference></wsp:AppliesTo>` +
    `<t:RequestedSecurityToken>${assertion}</t:RequestedSecurityToken>` +
    `<t:TokenType>${tokenType}</t:TokenType><t:RequestType>${v.requestType}</t:RequestType><t:KeyType>${v.keyType}</t:KeyType>` +
    `</t:RequestSecurityTokenResponse>`;
  return (
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">` +
    `<s:Header><a:Action s:mustUnderstand="1">${v.rstrAction}</a:Action>` +
    `<a:RelatesTo>${escape(rst.messageId ?? '')}</a:RelatesTo></s:Header><s:Body>` +
    (version === '1.3'
      ? `<t:RequestSecurityTokenResponseCollection ${ns}>${response}</t:RequestSecurityTokenResponseCollection>`
      : response) +
    `</s:Body></s:Envelope>`
  );
}

/** Unsigned assertions shaped like ADFS ones; they declare their own namespaces so they stand alone. */
function samlAssertion(version: '1.1' | '2.0', username: string, audience: string, issuerBase: string): string {
  const now = new Date();
  const later = new Date(now.getTime() + 60 * 60 * 1000);
  const id = `_${randomUUID()}`;
  const issuer = `${issuerBase}/adfs/services/trust`;
  const user = escape(username);
  if (version === '1.1') {
    const subject =
      `<saml:Subject><saml:NameIdentifier Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${user}</saml:NameIdentifier>` +
      `<saml:SubjectConfirmation><saml:ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:bearer</saml:ConfirmationMethod>` +
      `</saml:SubjectConfirmation></saml:Subject>`;
    return (
      `<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="${id}" Issuer="${escape(issuer)}" IssueInstant="${now.toISOString()}"` +
      ` xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion">` +
      `<saml:Conditions NotBefore="${now.toISOString()}" NotOnOrAfter="${later.toISOString()}"><saml:AudienceRestrictionCondition>` +
      `<saml:Audience>${escape(audience)}</saml:Audience></saml:AudienceRestrictionCondition></saml:Conditions>` +
      `<saml:AttributeStatement>${subject}<saml:Attribute AttributeName="UPN" AttributeNamespace="http://schemas.xmlsoap.org/claims">` +
      `<saml:AttributeValue>${user}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>` +
      `<saml:AuthenticationStatement AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:password" AuthenticationInstant="${now.toISOString()}">` +
      `${subject}</saml:AuthenticationStatement></saml:Assertion>`
    );
  }
  return (
    `<Assertion ID="${id}" IssueInstant="${now.toISOString()}" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion">` +
    `<Issuer>${escape(issuer)}</Issuer>` +
    `<Subject><NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${user}</NameID>` +
    `<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="${later.toISOString()}"/>` +
    `</SubjectConfirmation></Subject>` +
    `<Conditions NotBefore="${now.toISOString()}" NotOnOrAfter="${later.toISOString()}"><AudienceRestriction>` +
    `<Audience>${escape(audience)}</Audience></AudienceRestriction></Conditions>` +
    `<AttributeStatement><Attribute Name="http://schemas.xmlsoap.org/claims/UPN"><AttributeValue>${user}</AttributeValue></Attribute></AttributeStatement>` +
    `<AuthnStatement AuthnInstant="${now.toISOString()}"><AuthnContext>` +
    `<AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef>` +
    `</AuthnContext></AuthnStatement></Assertion>`
  );
}

/** The STS's own escaping, kept apart from the library's so a bug there cannot hide in both. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
