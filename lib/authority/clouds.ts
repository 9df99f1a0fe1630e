/**
 * Microsoft clouds as instance discovery describes them. The table lets us
 * answer alias questions offline and pick the discovery host for sovereign clouds.
 */

export const AZURE_PUBLIC = 'login.microsoftonline.com';
export const AZURE_US_GOVERNMENT = 'login.microsoftonline.us';
export const AZURE_CHINA = 'login.chinacloudapi.cn';

export interface CloudAliases {
  /** Host to send requests to. */
  preferredNetwork: string;
  /** Host the token cache keys on ("environment"). */
  preferredCache: string;
  aliases: readonly string[];
}

const CLOUDS: readonly CloudAliases[] = [
  {
    preferredNetwork: 'login.microsoftonline.com',
    preferredCache: 'login.windows.net',
    aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
  },
  {
    preferredNetwork: 'login.partner.microsoftonline.cn',
    preferredCache: 'login.partner.microsoftonline.cn',
    aliases: ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'],
  },
  {
    preferredNetwork: 'login.microsoftonline.de',
    preferredCache: 'login.microsoftonline.de',
    aliases: ['login.microsoftonline.de'],
  },
  {
    preferredNetwork: 'login.microsoftonline.us',
    preferredCache: 'login.microsoftonline.us',
    aliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
  },
  {
    preferredNetwork: 'login-us.microsoftonline.com',
    preferredCache: 'login-us.microsoftonline.com',
    aliases: ['login-us.microsoftonline.com'],
  },
  {
    preferredNetwork: 'login.windows-ppe.net',
    preferredCache: 'login.windows-ppe.net',
    aliases: ['login.windows-ppe.net', 'sts.windows-ppe.net', 'login.microsoft-ppe.com'],
  },
];

/** Entra hosts trusted without instance discovery validation. */
export const WELL_KNOWN_AUTHORITY_HOSTS: readonly string[] = CLOUDS.flatMap((c) => c.aliases);

/** B2C and CIAM host suffixes; such hosts are trusted by name and never instance-discovered. */
export const WELL_KNOWN_B2C_HOST_SUFFIXES: readonly string[] = ['.b2clogin.com', '.b2clogin.cn', '.b2clogin.us', '.b2clogin.de'];
export const CIAM_HOST_SUFFIX = '.ciamlogin.com';

/** The public cloud's aliases, which regional endpoints all map to `<region>.login.microsoft.com`. */
export const AZURE_PUBLIC_ALIASES: readonly string[] = CLOUDS[0]?.aliases ?? [];

export function isWellKnownHost(host: string): boolean {
  return WELL_KNOWN_AUTHORITY_HOSTS.includes(host.toLowerCase());
}

export function knownCloud(host: string): CloudAliases | undefined {
  const h = host.toLowerCase();
  return CLOUDS.find((c) => c.aliases.includes(h));
}

/** Hosts known offline to be the same cloud as `host`, preferred first; `[host]` when unknown. */
export function knownAliases(host: string): string[] {
  const h = host.toLowerCase();
  const cloud = knownCloud(h);
  return cloud ? [...cloud.aliases] : [h];
}

/** Builds an authority URL from a cloud instance and a tenant, as MSAL Python's AuthorityBuilder does. */
export class AuthorityBuilder {
  private readonly url: string;

  constructor(instance: string, tenant: string) {
    const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(instance) ? instance : `https://${instance}`;
    this.url = `${base.replace(/\/+$/, '')}/${tenant.replace(/^\/+|\/+$/g, '')}`;
  }

  toString(): string {
    return this.url;
  }
}
