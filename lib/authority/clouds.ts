/**
 * Microsoft clouds as instance discovery describes them. The table lets us
 * answer alias questions offline, pick the discovery host for sovereign
 * clouds, and tell whether two hosts belong to the same sovereign cloud.
 */

/** The host of Entra's public cloud. */
export const AZURE_PUBLIC = 'login.microsoftonline.com';
/** The host of Entra's US Government cloud. */
export const AZURE_US_GOVERNMENT = 'login.microsoftonline.us';
/** Deprecated alias of the China cloud (login.partner.microsoftonline.cn); kept under its old name. */
export const AZURE_CHINA = 'login.chinacloudapi.cn';
export const AZURE_GOV_FR = 'login.sovcloud-identity.fr';
export const AZURE_GOV_DE = 'login.sovcloud-identity.de';
export const AZURE_GOV_SG = 'login.sovcloud-identity.sg';

export interface CloudAliases {
  /** Host to send requests to. */
  preferredNetwork: string;
  /** Host the token cache keys on ("environment"). */
  preferredCache: string;
  aliases: readonly string[];
}

interface Cloud extends CloudAliases {
  /** Which sovereign cloud; aliases of one cloud share it, so clouds compare by equality. */
  name: string;
  /** Trusted without instance discovery validation (the reference's WELL_KNOWN_AUTHORITY_HOSTS). */
  wellKnown: boolean;
}

const cloud = (name: string, aliases: string[], preferredCache = aliases[0] as string, wellKnown = true): Cloud => ({
  name,
  preferredNetwork: aliases[0] as string,
  preferredCache,
  aliases,
  wellKnown,
});

const CLOUDS: readonly Cloud[] = [
  cloud('PUBLIC', ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'], 'login.windows.net'),
  cloud('CHINA', ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn']),
  cloud('GERMANY', ['login.microsoftonline.de']), // deprecated
  cloud('US_GOV', ['login.microsoftonline.us', 'login.usgovcloudapi.net']),
  cloud('US_ALT', ['login-us.microsoftonline.com']),
  cloud('BLEU', [AZURE_GOV_FR]),
  cloud('DELOS', [AZURE_GOV_DE]),
  cloud('GOV_SG', [AZURE_GOV_SG]),
  // Pre-production: a cloud of its own for the same-cloud checks, but validated like any unknown host.
  cloud('PPE', ['login.windows-ppe.net', 'sts.windows-ppe.net', 'login.microsoft-ppe.com'], 'login.windows-ppe.net', false),
];

/** Entra hosts trusted without instance discovery validation. */
export const WELL_KNOWN_AUTHORITY_HOSTS: readonly string[] = CLOUDS.filter((c) => c.wellKnown).flatMap((c) => c.aliases);

/** B2C and CIAM host suffixes; such hosts are trusted by name and never instance-discovered. */
export const WELL_KNOWN_B2C_HOST_SUFFIXES: readonly string[] = ['.b2clogin.com', '.b2clogin.cn', '.b2clogin.us', '.b2clogin.de'];
export const CIAM_HOST_SUFFIX = '.ciamlogin.com';

/** The public cloud's aliases, which regional endpoints all map to `<region>.login.microsoft.com`. */
export const AZURE_PUBLIC_ALIASES: readonly string[] = CLOUDS[0]?.aliases ?? [];

/** A DNS label (RFC 1123): the shape a region prefix must have; not a list of regions. */
export const REGION_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Which cloud a host itself names: an alias, or the bare CIAM domain (its tenants live in the public cloud). */
function cloudOfHost(host: string): string | undefined {
  if (host === CIAM_HOST_SUFFIX.slice(1)) return 'PUBLIC';
  return CLOUDS.find((c) => c.aliases.includes(host))?.name;
}

/**
 * The sovereign cloud `host` belongs to: one of its aliases, or `<region>.<alias>`
 * with a single DNS-label region (so `<tenant>.ciamlogin.com` is public too).
 * Undefined for any other host: callers treat unknown as untrusted.
 */
export function resolveKnownCloud(host: string | null | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.toLowerCase();
  const own = cloudOfHost(h);
  if (own) return own;
  const dot = h.indexOf('.');
  if (dot <= 0 || !REGION_LABEL.test(h.slice(0, dot))) return undefined;
  return cloudOfHost(h.slice(dot + 1));
}

/** True only when both hosts are known and in the same cloud (default deny). */
export function areInSameCloud(a: string | null | undefined, b: string | null | undefined): boolean {
  const cloudA = resolveKnownCloud(a);
  return cloudA !== undefined && cloudA === resolveKnownCloud(b);
}

export function isWellKnownHost(host: string): boolean {
  return WELL_KNOWN_AUTHORITY_HOSTS.includes(host.toLowerCase());
}

export function knownCloud(host: string): CloudAliases | undefined {
  const h = host.toLowerCase();
  const found = CLOUDS.find((c) => c.aliases.includes(h));
  return found && { preferredNetwork: found.preferredNetwork, preferredCache: found.preferredCache, aliases: found.aliases };
}

/** Hosts known offline to be the same cloud as `host`, preferred first; `[host]` when unknown. */
export function knownAliases(host: string): string[] {
  const h = host.toLowerCase();
  const cloud = knownCloud(h);
  return cloud ? [...cloud.aliases] : [h];
}

/**
 * Builds an authority URL from a cloud instance and a tenant, as MSAL Python's AuthorityBuilder does.
 *
 * @example
 * ```ts
 * const authority = new AuthorityBuilder(AZURE_US_GOVERNMENT, 'contoso.onmicrosoft.com').toString();
 * // 'https://login.microsoftonline.us/contoso.onmicrosoft.com'
 * const app = new PublicClientApplication({ clientId: '<app id>', authority });
 * ```
 */
export class AuthorityBuilder {
  private readonly url: string;

  /**
   * @param instance - A cloud host such as {@link AZURE_PUBLIC}, or a URL (its scheme is kept).
   * @param tenant - A tenant id, domain, or 'common' / 'organizations' / 'consumers'.
   */
  constructor(instance: string, tenant: string) {
    const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(instance) ? instance : `https://${instance}`;
    this.url = `${base.replace(/\/+$/, '')}/${tenant.replace(/^\/+|\/+$/g, '')}`;
  }

  /** The authority URL. */
  toString(): string {
    return this.url;
  }
}
