/**
 * What MSAL Python checks on the metadata of an OpenID Connect authority
 * (`oidcAuthority`, and dSTS, which it treats as one) before using it: the
 * issuer must belong to the authority, and endpoints of an authority on a
 * Microsoft cloud must stay in that sovereign cloud. The rules and their order
 * follow the reference's has_valid_issuer(); the order is security-sensitive.
 */
import { AuthorityValidationError } from '../errors.js';
import { CIAM_HOST_SUFFIX, REGION_LABEL, WELL_KNOWN_B2C_HOST_SUFFIXES, resolveKnownCloud } from './clouds.js';

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

/** True when `issuer`, from the metadata of the OIDC authority `authorityUrl`, may be trusted. */
export function hasValidIssuer(authorityUrl: string, issuer: string | undefined): boolean {
  if (!issuer || !authorityUrl) return false;
  // 1. Exact match, trailing slashes aside.
  if (trimSlash(issuer) === trimSlash(authorityUrl)) return true;
  const iss = tryUrl(issuer);
  const auth = tryUrl(authorityUrl);
  if (!iss?.hostname || !auth) return false;
  const issuerHost = iss.hostname.toLowerCase();
  const authorityHost = auth.hostname.toLowerCase();

  // 2. Same scheme and host (with port); the paths may differ.
  if (iss.protocol === auth.protocol && iss.host === auth.host) return true;

  // 3. A CIAM issuer on another host names its tenant in its subdomain, which must be the
  // authority's tenant. Before 4, or any <x>.ciamlogin.com would pass as "public cloud".
  if (issuerHost.endsWith(CIAM_HOST_SUFFIX)) {
    const issuerTenant = issuerHost.slice(0, -CIAM_HOST_SUFFIX.length);
    const firstSegment = auth.pathname.split('/').find((p) => p !== '');
    const authorityTenant = firstSegment !== undefined ? firstSegment.toLowerCase() : authorityHost.split('.')[0];
    if (issuerTenant === '' || issuerTenant !== authorityTenant) return false;
    const path = trimSlash(iss.pathname).toLowerCase();
    return path === '' || path === `/${issuerTenant}` || path === `/${issuerTenant}/v2.0`;
  }

  // 4. A Microsoft issuer over https: under a custom-domain authority (federation to Entra),
  // or under a Microsoft authority of the same sovereign cloud.
  const issuerCloud = resolveKnownCloud(issuerHost);
  if (issuerCloud !== undefined && iss.protocol === 'https:') {
    const authorityCloud = resolveKnownCloud(authorityHost);
    if (authorityCloud === undefined || authorityCloud === issuerCloud) return true;
  }

  // 5. A region-shaped label in front of the authority's own host (us.example.com for example.com).
  const dot = issuerHost.indexOf('.');
  if (dot > 0 && REGION_LABEL.test(issuerHost.slice(0, dot)) && issuerHost.slice(dot + 1) === authorityHost) return true;

  // 6. A B2C tenant host (CIAM was settled in 3).
  return WELL_KNOWN_B2C_HOST_SUFFIXES.some((suffix) => issuerHost.endsWith(suffix));
}

/** Throws unless `issuer` is valid for `authorityUrl`; the message names both. */
export function assertValidIssuer(authorityUrl: string, issuer: string | undefined): void {
  if (hasValidIssuer(authorityUrl, issuer)) return;
  throw new AuthorityValidationError(
    `The issuer "${issuer ?? ''}" in the OpenID metadata does not match the authority "${authorityUrl}" or a known pattern. ` +
      `An oidcAuthority is checked against the issuer its ${trimSlash(authorityUrl)}/.well-known/openid-configuration names; ` +
      'for an Entra authority such as login.microsoftonline.com, use the authority option instead.',
  );
}

/**
 * Refuses an endpoint from OpenID discovery that leaves the sovereign cloud of
 * a Microsoft authority (an intercepted discovery would otherwise send
 * credentials elsewhere). No check for a custom-domain authority, or for an
 * empty or relative endpoint (parsing reports those). The message names the
 * authority, the endpoint's name and the endpoint, and nothing else.
 */
export function ensureEndpointSameCloudAsAuthority(authorityUrl: string, endpointUrl: string | null | undefined, endpointName: string): void {
  if (!endpointUrl) return;
  const endpoint = tryUrl(endpointUrl);
  if (!endpoint?.hostname) return;
  const authorityCloud = resolveKnownCloud(tryUrl(authorityUrl)?.hostname);
  if (authorityCloud === undefined) return;
  if (resolveKnownCloud(endpoint.hostname) === authorityCloud) return;
  throw new AuthorityValidationError(
    `OpenID discovery for authority "${authorityUrl}" returned a ${endpointName} "${endpointUrl}" whose host is not in the same ` +
      'Microsoft sovereign cloud as the authority, so it was not used. Check that discovery is not being intercepted ' +
      'and that the authority points at the right sovereign cloud.',
  );
}
