/**
 * Helpers for the ported tests of MSAL Python's application layer
 * (tests/test_application.py, test_account_source.py, test_force_refresh.py):
 * offline authorities, the reference's `cache.add({...})` shape, a look into
 * the serialized cache, and a fake broker runtime for the broker seam.
 */
import { ScriptedBrokerClient } from '../../support/scripted-broker-client.js';

export { brokerAuthResult, brokerFailure } from '../../support/scripted-broker-client.js';
import type { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import type { TokenCache } from '../../../lib/cache/token-cache.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';

/** Options that make an app for https://login.microsoftonline.com/<tenant> resolve without any HTTP request. */
export function offlineEntra(tenant: string): {
  authority: string;
  authorityMetadata: ReturnType<typeof authorityMetadataFor>;
  instanceDiscoveryMetadata: typeof instanceDiscoveryMetadata;
} {
  return {
    authority: `https://login.microsoftonline.com/${tenant}`,
    authorityMetadata: authorityMetadataFor(tenant),
    instanceDiscoveryMetadata,
  };
}

/** The reference's `token_cache.add({"client_id", "scope", "token_endpoint", "response"})`. */
export function populate(
  cache: TokenCache,
  event: { client_id: string; scope: readonly string[]; token_endpoint: string; response: Record<string, unknown> },
): void {
  const url = new URL(event.token_endpoint);
  const realm = url.pathname.split('/')[1] ?? '';
  cache.add({ clientId: event.client_id, environment: url.host, realm, scopes: event.scope, response: event.response });
}

type Section = 'AccessToken' | 'RefreshToken' | 'IdToken' | 'Account' | 'AppMetadata';

/** The reference's `token_cache.search(CredentialType.X, query=...)`: entries of one section whose fields equal the query's. */
export function search(cache: SerializableTokenCache, section: Section, query: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  const all = (JSON.parse(cache.serialize()) as Record<string, Record<string, Record<string, unknown>> | undefined>)[section] ?? {};
  return Object.values(all).filter((entry) => Object.entries(query).every(([k, v]) => entry[k] === v));
}

/** A header, looked up case-insensitively (the reference's requests headers are case-insensitive). */
export function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/**
 * Stands in for BrokerRuntime (lib/broker/broker-runtime.ts) behind
 * loadBrokerRuntime(), so the native client's own logic (loading, startup
 * failures) runs without MSALRuntime; calls are scripted and recorded as
 * ScriptedBrokerClient's are.
 */
export class FakeBrokerRuntime extends ScriptedBrokerClient {
  startupError: Error | undefined;

  constructor() {
    super(undefined);
  }

  async startup(): Promise<void> {
    if (this.startupError) throw this.startupError;
  }
}
