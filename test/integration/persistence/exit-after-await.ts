/**
 * A child process for the durable-persistence test: one facade call with a
 * PersistentTokenCache, then process.exit(0) right after the await, as a CLI
 * that is done would. Whatever the call cached must already be on disk.
 * Usage: exit-after-await.ts <JSON request>; prints the call's access token (if any).
 */
import { ConfidentialClientApplication } from '../../../lib/app/confidential-client-application.js';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { FilePersistence } from '../../../lib/cache/persistence/file-persistence.js';
import { PersistentTokenCache } from '../../../lib/cache/persistence/persistent-token-cache.js';
import { isErrorResult, type AcquireTokenResult } from '../../../lib/oauth2/types.js';

export interface ExitAfterAwaitRequest {
  cachePath: string;
  app: { clientId: string; authority: string; allowHttpLoopbackAuthority: true; instanceDiscoveryEndpoint: string };
  call:
    | { kind: 'signIn'; username: string; password: string; scopes: string[] }
    | { kind: 'refresh'; scopes: string[] }
    | { kind: 'removeAccount' }
    | { kind: 'appToken'; clientSecret: string; scopes: string[] };
}

const request = JSON.parse(process.argv[2] ?? '') as ExitAfterAwaitRequest;
const tokenCache = await PersistentTokenCache.open(new FilePersistence(request.cachePath, { allowPlaintext: true }));
const { call } = request;

function report(result: AcquireTokenResult | null): void {
  if (!result || isErrorResult(result)) throw new Error(`the call failed: ${JSON.stringify(result)}`);
  // Pipes are written synchronously on POSIX, so this line is out before the exit.
  process.stdout.write(`${result.access_token}\n`);
}

if (call.kind === 'appToken') {
  const app = new ConfidentialClientApplication({ ...request.app, clientCredential: call.clientSecret, tokenCache });
  report(await app.acquireTokenForClient(call.scopes));
} else {
  const app = new PublicClientApplication({ ...request.app, tokenCache });
  if (call.kind === 'signIn') {
    report(await app.acquireTokenByUsernamePassword(call.username, call.password, call.scopes));
  } else {
    const [account] = await app.getAccounts();
    if (!account) throw new Error('no account in the cache');
    if (call.kind === 'refresh') report(await app.acquireTokenSilentWithError(call.scopes, account, { forceRefresh: true }));
    else await app.removeAccount(account);
  }
}
process.exit(0);
