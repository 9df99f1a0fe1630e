/**
 * An authority: parsed and shape-checked synchronously, then resolved once
 * (instance validation, aliases, OpenID metadata) on first use.
 */
import { AuthorityValidationError, InvalidAuthorityError } from '../errors.js';
import type { HttpClient } from '../http/types.js';
import type { Logger } from '../app/logger.js';
import { silentLogger } from '../app/logger.js';
import type { CloudAliases } from './clouds.js';
import { AZURE_PUBLIC, CIAM_HOST_SUFFIX, WELL_KNOWN_B2C_HOST_SUFFIXES, isWellKnownHost, knownCloud } from './clouds.js';
import type { InstanceDiscoveryOutcome } from './instance-discovery.js';
import {
  fetchInstanceDiscovery,
  instanceDiscoveryBase,
  instanceDiscoveryUrl,
  interpretInstanceDiscovery,
} from './instance-discovery.js';
import { assertValidIssuer, ensureEndpointSameCloudAsAuthority } from './issuer.js';
import { parseSecureUrl } from './secure-url.js';
import { fetchTenantMetadata, normalizeMetadata } from './tenant-discovery.js';
import type { AuthorityKind, AuthorityMetadata, ResolvedAuthority } from './types.js';

/** Which authority an application talks to, and how it is validated and discovered. */
export interface AuthorityOptions {
  /** Entra, B2C, ADFS, CIAM or dSTS authority URL. Defaults to https://login.microsoftonline.com/common. */
  authority?: string | undefined;
  /** Issuer of any OpenID Connect provider; excludes `authority`. */
  oidcAuthority?: string | undefined;
  /** Default true: an unknown Entra host must pass instance discovery. */
  validateAuthority?: boolean | undefined;
  /** false: never call instance discovery. A list: hosts trusted without it. Default true. */
  instanceDiscovery?: boolean | string[] | undefined;
  /** OpenID metadata given up front (object or JSON text): no tenant discovery request. */
  authorityMetadata?: AuthorityMetadata | string | undefined;
  /** An instance discovery reply given up front (object or JSON text): no instance discovery request. */
  instanceDiscoveryMetadata?: string | object | undefined;
  /** Host, origin or URL of the instance discovery endpoint (sovereign or test deployments). */
  instanceDiscoveryEndpoint?: string | undefined;
  /** Tests only: accept http for 127.0.0.1, localhost and [::1]. */
  allowHttpLoopbackAuthority?: boolean | undefined;
}

const DEFAULT_AUTHORITY = `https://${AZURE_PUBLIC}/common`;
const SEGMENT = /^[A-Za-z0-9._~-]+$/;
const B2C_POLICY = /^b2c_1a?_/i;

interface Shape {
  kind: AuthorityKind;
  protocol: string;
  host: string;
  tenant: string;
  /** Path segments kept in the canonical URL. */
  path: string[];
  /** The URL as configured; OpenID authorities are checked against it. */
  configured: string;
  /** The configured query ("?..." or ""), which the reference keeps on tenant discovery. */
  query: string;
}

/**
 * An authority: parsed and shape-checked synchronously by {@link Authority.parse}, then
 * resolved once (instance validation, aliases, OpenID metadata) on first use. Applications
 * build their own from their options; use this class to check an authority up front.
 *
 * @example
 * ```ts
 * const authority = Authority.parse({ authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com' });
 * const resolved = await authority.resolve(createFetchHttpClient());
 * console.log(resolved.metadata.token_endpoint);
 * ```
 */
export class Authority {
  /** Entra ('aad'), B2C, ADFS, CIAM, dSTS or a generic OpenID provider ('oidc'). */
  readonly kind: AuthorityKind;
  /** Lower-cased host, with the port when one is given. */
  readonly host: string;
  /** The tenant path segment, e.g. 'common', a GUID, a domain, or 'adfs'. */
  readonly tenant: string;
  /** Always ends with a slash. */
  readonly canonical: string;
  private readonly validate: boolean;
  private readonly instanceDiscovery: boolean | readonly string[];
  private readonly allowHttpLoopback: boolean;
  private readonly presetMetadata: AuthorityMetadata | undefined;
  private readonly presetInstanceDiscovery: Record<string, unknown> | undefined;
  private readonly discoveryBase: string;
  private readonly configured: string;
  private readonly query: string;
  private pending: Promise<ResolvedAuthority> | undefined;

  private constructor(shape: Shape, options: AuthorityOptions) {
    this.kind = shape.kind;
    this.host = shape.host;
    this.tenant = shape.tenant;
    this.configured = shape.configured;
    this.query = shape.query;
    this.canonical = `${shape.protocol}//${shape.host}/${shape.path.map((s) => `${s}/`).join('')}`;
    this.validate = options.validateAuthority ?? true;
    this.instanceDiscovery = options.instanceDiscovery ?? true;
    this.allowHttpLoopback = options.allowHttpLoopbackAuthority === true;
    this.discoveryBase = instanceDiscoveryBase(this.host, options.instanceDiscoveryEndpoint, this.allowHttpLoopback);
    this.presetMetadata =
      options.authorityMetadata === undefined
        ? undefined
        : normalizeMetadata(
            parseJsonOption(options.authorityMetadata, 'authorityMetadata'),
            this.tenant,
            this.allowHttpLoopback,
            'the authorityMetadata option',
            (m, cause) => new InvalidAuthorityError(m, { cause }),
          );
    if (options.instanceDiscoveryMetadata !== undefined) {
      const raw = parseJsonOption(options.instanceDiscoveryMetadata, 'instanceDiscoveryMetadata');
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        throw new InvalidAuthorityError('instanceDiscoveryMetadata must be a JSON object');
      }
      this.presetInstanceDiscovery = raw as Record<string, unknown>;
    }
  }

  /**
   * Checks the authority's shape without any network request.
   *
   * @throws InvalidAuthorityError when the URL is malformed, not https, holds credentials, or both authority and oidcAuthority are given.
   */
  static parse(options: AuthorityOptions = {}): Authority {
    checkOptionTypes(options);
    const allowHttp = options.allowHttpLoopbackAuthority === true;
    const shape =
      options.oidcAuthority !== undefined
        ? parseOidc(options.oidcAuthority, allowHttp)
        : parseEntra(options.authority ?? DEFAULT_AUTHORITY, allowHttp);
    return new Authority(shape, options);
  }

  /** Memoised: concurrent and later callers share one discovery; a failure is not remembered. */
  resolve(http: HttpClient, logger: Logger = silentLogger): Promise<ResolvedAuthority> {
    if (!this.pending) {
      const attempt = this.discover(http, logger);
      this.pending = attempt;
      attempt.catch(() => {
        if (this.pending === attempt) this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async discover(http: HttpClient, logger: Logger): Promise<ResolvedAuthority> {
    const cloud = await this.resolveCloud(http, logger);
    const metadata = this.presetMetadata ?? (await fetchTenantMetadata(http, this.tenantDiscoveryUrl(), this.tenant, this.allowHttpLoopback));
    if (this.kind === 'oidc' || this.kind === 'dsts') {
      // As the reference: an OpenID authority (dSTS is one) must name an issuer of its own,
      // and if it lives in a Microsoft cloud, its endpoints must stay in that cloud.
      assertValidIssuer(this.configured, metadata.issuer);
      for (const name of ['token_endpoint', 'authorization_endpoint', 'device_authorization_endpoint'] as const) {
        ensureEndpointSameCloudAsAuthority(this.configured, metadata[name], name);
      }
    }
    const aliases = [cloud.preferredNetwork, ...cloud.aliases.filter((a) => a !== cloud.preferredNetwork)];
    if (!aliases.includes(this.host)) aliases.push(this.host);
    logger.log('info', `Authority resolved: kind=${this.kind}, environment=${cloud.preferredCache}`);
    return { kind: this.kind, canonical: this.canonical, environment: cloud.preferredCache, tenant: this.tenant, aliases, metadata };
  }

  private async resolveCloud(http: HttpClient, logger: Logger): Promise<CloudAliases> {
    const offline: CloudAliases = knownCloud(this.host) ?? { preferredNetwork: this.host, preferredCache: this.host, aliases: [this.host] };
    // Only Entra (AAD) hosts are known to instance discovery; B2C, CIAM, ADFS, dSTS and OIDC are trusted as configured.
    if (this.kind !== 'aad') return offline;
    let outcome: InstanceDiscoveryOutcome;
    if (this.presetInstanceDiscovery) {
      outcome = interpretInstanceDiscovery(this.presetInstanceDiscovery, this.host, 'the instanceDiscoveryMetadata option');
    } else if (this.instanceDiscovery === false) {
      return offline;
    } else if (Array.isArray(this.instanceDiscovery) && this.instanceDiscovery.some((h) => h.toLowerCase() === this.host)) {
      logger.log('verbose', `Instance discovery skipped: ${this.host} is a trusted host`);
      return offline;
    } else if (!this.validate && !isWellKnownHost(this.host)) {
      logger.log('verbose', `Instance discovery skipped: validation is off and ${this.host} is not a well-known host`);
      return offline;
    } else {
      const url = instanceDiscoveryUrl(this.discoveryBase, this.canonical);
      logger.log('verbose', `Instance discovery for ${this.host} at ${new URL(url).host}`);
      outcome = await fetchInstanceDiscovery(http, url, this.host);
    }
    switch (outcome.kind) {
      case 'found':
        return outcome.cloud;
      case 'unlisted':
        return offline;
      case 'invalid_instance':
        if (!this.validate) return offline;
        throw new AuthorityValidationError(
          `invalid_instance: the authority ${this.canonical} is not known (${outcome.description}). ` +
            'If it is a domain you trust, turn this check off with instanceDiscovery: false (or validateAuthority: false).',
        );
    }
  }

  private tenantDiscoveryUrl(): string {
    // ADFS and OpenID authorities (dSTS included) publish metadata at the issuer root;
    // Entra-family authorities under v2.0. The configured query is kept, as the reference does.
    const v2 = this.kind === 'adfs' || this.kind === 'oidc' || this.kind === 'dsts' ? '' : 'v2.0/';
    return `${this.canonical}${v2}.well-known/openid-configuration${this.query}`;
  }
}

function checkOptionTypes(o: AuthorityOptions): void {
  if (o.authority !== undefined && o.oidcAuthority !== undefined) {
    throw new InvalidAuthorityError('Give either authority or oidcAuthority, not both');
  }
  for (const key of ['authority', 'oidcAuthority', 'instanceDiscoveryEndpoint'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string') throw new InvalidAuthorityError(`${key} must be a string`);
  }
  for (const key of ['validateAuthority', 'allowHttpLoopbackAuthority'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new InvalidAuthorityError(`${key} must be a boolean`);
  }
  const d = o.instanceDiscovery;
  if (d !== undefined && typeof d !== 'boolean' && !(Array.isArray(d) && d.every((h) => typeof h === 'string'))) {
    throw new InvalidAuthorityError('instanceDiscovery must be a boolean or an array of host names');
  }
}

function parseJsonOption(value: unknown, name: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (cause) {
    throw new InvalidAuthorityError(`${name} is not valid JSON`, { cause });
  }
}

/** A query is kept for tenant discovery and a fragment ignored, as the reference does with both. */
function parseUrl(value: string, what: string, allowHttp: boolean): URL {
  const url = parseSecureUrl(value, what, allowHttp);
  if (url.username || url.password) throw new InvalidAuthorityError(`${what} must not contain credentials`);
  url.hash = '';
  return url;
}

function segmentsOf(url: URL, what: string): string[] {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  for (const s of segments) {
    if (!SEGMENT.test(s)) throw new InvalidAuthorityError(`${what} has an invalid path segment "${s}"`);
  }
  return segments;
}

function parseOidc(value: string, allowHttp: boolean): Shape {
  const url = parseUrl(value, 'oidcAuthority', allowHttp);
  const path = segmentsOf(url, 'oidcAuthority');
  const host = url.host.toLowerCase();
  return { kind: 'oidc', protocol: url.protocol, host, tenant: path.join('/'), path, configured: value, query: url.search };
}

function parseEntra(value: string, allowHttp: boolean): Shape {
  const url = parseUrl(value, 'authority', allowHttp);
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  const seg = segmentsOf(url, 'authority');
  const [first, second, third] = seg;
  const base = { protocol: url.protocol, host, configured: value, query: url.search };
  const need = (ok: unknown, form: string): void => {
    if (!ok) throw new InvalidAuthorityError(`Authority "${value}" is incomplete; expected ${form}`);
  };

  if (first?.toLowerCase() === 'adfs') return { ...base, kind: 'adfs', tenant: 'adfs', path: ['adfs'] };
  if (first?.toLowerCase() === 'dstsv2') {
    need(second, 'https://<host>/dstsv2/<tenant>');
    return { ...base, kind: 'dsts', tenant: second as string, path: ['dstsv2', second as string] };
  }
  if (first?.toLowerCase() === 'tfp') {
    need(second && third, 'https://<host>/tfp/<tenant>/<policy>');
    return { ...base, kind: 'b2c', tenant: second as string, path: ['tfp', second as string, third as string] };
  }
  const b2cHost = WELL_KNOWN_B2C_HOST_SUFFIXES.some((s) => hostname.endsWith(s));
  if (b2cHost || (second !== undefined && B2C_POLICY.test(second))) {
    need(first && second, 'https://<host>/<tenant>/<policy>');
    return { ...base, kind: 'b2c', tenant: first as string, path: [first as string, second as string] };
  }
  if (hostname.endsWith(CIAM_HOST_SUFFIX)) {
    const sub = hostname.slice(0, -CIAM_HOST_SUFFIX.length);
    need(first || sub, 'https://<tenant>.ciamlogin.com[/<tenant>]');
    // A bare CIAM host names its tenant by subdomain.
    const tenant = first ?? `${sub}.onmicrosoft.com`;
    return { ...base, kind: 'ciam', tenant, path: [tenant] };
  }
  need(first, 'https://<host>/<tenant>, e.g. https://login.microsoftonline.com/common');
  return { ...base, kind: 'aad', tenant: first as string, path: [first as string] };
}
