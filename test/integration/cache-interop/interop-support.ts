/** Runs MSAL Python's cache script and builds offline MSAL Node apps for the interop tests. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ConfidentialClientApplication,
  PublicClientApplication,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  type TokenCacheContext,
} from '@azure/msal-node';
import { ALIASES, TENANT } from '../../unit/cache/fixtures.js';

const script = fileURLToPath(new URL('./msal_py_cache.py', import.meta.url));

/**
 * `python3` first; Debian's python3-msal lives in the system interpreter, which a
 * pyenv shim on PATH may hide, so fall back to /usr/bin/python3.
 */
function pythonWithMsal(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import msal'], { timeout: 20_000 });
    if (probe.status === 0) return candidate;
  }
  throw new Error('no python3 can import msal (install python3-msal)');
}

let python: string | undefined;

export function runMsalPython<T>(mode: 'write' | 'read' | 'remove', request: unknown): T {
  python ??= pythonWithMsal();
  const run = spawnSync(python, [script, mode], { input: JSON.stringify(request), timeout: 60_000, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`msal_py_cache.py ${mode} failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

const AUTHORITY_BASE = `https://login.microsoftonline.com/${TENANT}`;
export const NODE_AUTHORITY = AUTHORITY_BASE;

/** Entra's real instance metadata shape: login.windows.net is the preferred cache host. */
const cloudDiscoveryMetadata = JSON.stringify({
  tenant_discovery_endpoint: `${AUTHORITY_BASE}/v2.0/.well-known/openid-configuration`,
  'api-version': '1.1',
  metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ALIASES }],
});
const authorityMetadata = JSON.stringify({
  token_endpoint: `${AUTHORITY_BASE}/oauth2/v2.0/token`,
  authorization_endpoint: `${AUTHORITY_BASE}/oauth2/v2.0/authorize`,
  end_session_endpoint: `${AUTHORITY_BASE}/oauth2/v2.0/logout`,
  jwks_uri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
  issuer: `${AUTHORITY_BASE}/v2.0`,
});

/** A network module that never leaves the process: POSTs get `tokenResponse`, GETs a 404. */
export class FakeNetwork implements INetworkModule {
  readonly posts: URLSearchParams[] = [];
  readonly gets: string[] = [];
  constructor(public tokenResponse: Record<string, unknown>) {}
  async sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
    this.gets.push(url);
    return { headers: {}, status: 404, body: { error: 'not_found' } as T };
  }
  async sendPostRequestAsync<T>(_url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    this.posts.push(new URLSearchParams(options?.body ?? ''));
    return { headers: {}, status: 200, body: this.tokenResponse as T };
  }
}

/** Loads `blob` before every cache access and keeps what MSAL Node writes back. */
export class BlobPlugin implements ICachePlugin {
  constructor(public blob: string) {}
  async beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
    ctx.tokenCache.deserialize(this.blob);
  }
  async afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
    if (ctx.cacheHasChanged) this.blob = ctx.tokenCache.serialize();
  }
}

export function nodePublicApp(clientId: string, network: FakeNetwork, plugin?: BlobPlugin): PublicClientApplication {
  return new PublicClientApplication({
    auth: { clientId, authority: NODE_AUTHORITY, cloudDiscoveryMetadata, authorityMetadata },
    system: { networkClient: network },
    ...(plugin ? { cache: { cachePlugin: plugin } } : {}),
  });
}

export function nodeConfidentialApp(clientId: string, network: FakeNetwork, plugin: BlobPlugin): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId, clientSecret: 'not-used-offline', authority: NODE_AUTHORITY, cloudDiscoveryMetadata, authorityMetadata },
    system: { networkClient: network },
    cache: { cachePlugin: plugin },
  });
}
