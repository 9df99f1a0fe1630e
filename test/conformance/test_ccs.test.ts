/**
 * Port of MSAL Python's tests/test_ccs.py: the CCS routing hint (X-AnchorMailbox)
 * each flow sends. The reference patches app.http_client.post; here a scripted
 * HTTP client answers (Entra discovery offline, every POST a 400) and keeps the
 * requests. ClientApplication is abstract here, so PublicClientApplication stands in.
 */
import { describe, expect, it } from 'vitest';
import { PublicClientApplication, SerializableTokenCache } from '../../lib/index.js';
import { header, populate } from './support/application.js';
import { buildResponse, minimalResponse, ScriptedHttpClient, type SeenRequest } from './support/msal-python.js';
import { entraDiscovery } from './support/protocol.js';

/** The reference's patched post: every token request answers 400 {"error": "mock"}. */
function mockedHttp(): ScriptedHttpClient {
  return new ScriptedHttpClient({ get: entraDiscovery, post: () => minimalResponse(400, '{"error": "mock"}') });
}

const lastPost = (http: ScriptedHttpClient): SeenRequest | undefined => http.requests.filter((r) => r.method === 'POST').at(-1);

describe('TestCcsRoutingInfoTestCase', () => {
  it('test_acquire_token_by_auth_code_flow', async () => {
    const http = mockedHttp();
    const app = new PublicClientApplication({ clientId: 'client_id', httpClient: http });
    const state = 'foo';
    const flow = await app.initiateAuthCodeFlow(['some', 'scope'], { loginHint: 'johndoe@contoso.com', state, responseMode: 'form_post' });
    // As the reference's authorization URL: client_info asked for, the login hint as a routing hint.
    const authUri = new URL(flow.auth_uri);
    expect(authUri.searchParams.get('client_info')).toBe('1');
    expect(authUri.searchParams.get('X-AnchorMailbox')).toBe('UPN:johndoe@contoso.com');
    await app.acquireTokenByAuthCodeFlow(flow, {
      state,
      code: 'bar',
      // MSAL asks for client_info, so it would be available.
      client_info:
        'eyJ1aWQiOiJhYTkwNTk0OS1hMmI4LTRlMGEtOGFlYS1iMzJlNTNjY2RiNDEiLCJ1dGlkIjoiNzJmOTg4YmYtODZmMS00MWFmLTkxYWItMmQ3Y2QwMTFkYjQ3In0',
    });
    expect(header(lastPost(http)?.headers ?? {}, 'X-AnchorMailbox'), 'CCS routing info should be derived from client_info').toBe(
      'Oid:aa905949-a2b8-4e0a-8aea-b32e53ccdb41@72f988bf-86f1-41af-91ab-2d7cd011db47',
    );
  });

  // The reference tested acquire_token_interactive by hand: it shares the auth code flow's code path.

  it('test_acquire_token_silent', async () => {
    const uid = 'foo';
    const utid = 'bar';
    const clientId = 'my_client_id';
    const scopes = ['some', 'scope'];
    const authorityUrl = 'https://login.microsoftonline.com/common';
    const tokenCache = new SerializableTokenCache();
    populate(tokenCache, {
      client_id: clientId,
      scope: scopes,
      token_endpoint: `${authorityUrl}/oauth2/v2.0/token`,
      response: buildResponse({ access_token: 'an expired AT to trigger refresh', expires_in: -99, uid, utid, refresh_token: 'this is a RT' }),
    }); // populates the home_account_id the lookup needs
    const http = mockedHttp();
    const app = new PublicClientApplication({ clientId, authority: authorityUrl, tokenCache, httpClient: http });
    await app.acquireTokenSilent(['scope'], { home_account_id: `${uid}.${utid}` } as never);
    // The server accepts it case-insensitively; it looks like "Oid:foo@bar".
    expect(header(lastPost(http)?.headers ?? {}, 'X-AnchorMailbox'), 'CCS routing info should be derived from home_account_id').toBe(`Oid:${uid}@${utid}`);
  });

  it('test_acquire_token_by_username_password', async () => {
    const http = mockedHttp();
    const app = new PublicClientApplication({ clientId: 'client_id', httpClient: http });
    const username = 'johndoe@contoso.com';
    await app.acquireTokenByUsernamePassword(username, 'password', ['scope']);
    expect(header(lastPost(http)?.headers ?? {}, 'X-AnchorMailbox'), 'CCS routing info should be derived from the username').toBe(`upn:${username}`);
  });
});
