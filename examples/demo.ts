/**
 * The newcomer's demo: sign in against an embedded OpenID Provider (no tenant,
 * no network beyond 127.0.0.1), then get the token again silently from the cache.
 *
 *   npm run demo                # a headless browser plays the user (CI, containers, SSH)
 *   npm run demo -- --browser   # your own browser opens; sign in with any password
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PublicClientApplication, SerializableTokenCache, isErrorResult, type BrowserLauncher } from '../lib/index.js';
import { defaultBrowserLauncher } from '../lib/interactive/browser.js';
import { startOidcProvider } from '../test/support/oidc-provider.js';
import { CHROMIUM_PATH, startTestBrowser } from '../test/support/browser.js';

export interface DemoOptions {
  /** 'headless' drives Chromium; 'system' opens the user's browser. */
  browser?: 'headless' | 'system';
  log?: (line: string) => void;
}

const redact = (token: string) => `${token.slice(0, 12)}…(${token.length} chars)`;

export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.browser !== 'system' && !existsSync(CHROMIUM_PATH)) {
    throw new Error(`The headless demo drives Chromium at ${CHROMIUM_PATH}, which is not installed: run bash .ci/setup, or add --browser to sign in with your own browser.`);
  }
  const idp = await startOidcProvider();
  const headless = options.browser !== 'system' ? await startTestBrowser() : undefined;
  try {
    log(`Embedded OpenID Provider: ${idp.issuer}`);
    const cache = new SerializableTokenCache();
    const app = new PublicClientApplication({
      clientId: idp.publicClientId,
      oidcAuthority: idp.issuer,
      allowHttpLoopbackAuthority: true, // the embedded provider speaks http on 127.0.0.1 only
      tokenCache: cache,
    });
    const launcher: BrowserLauncher = headless
      ? async (url) => {
          log('Headless Chromium signs in as "alice" on the provider\'s own login and consent pages…');
          await headless.launcher()(url);
        }
      : async (url) => {
          log(`Opening your browser. Sign in as "${idp.account.username}" with any password.\n  ${url}`);
          await defaultBrowserLauncher()(url);
        };

    const result = await app.acquireTokenInteractive(['email'], { browserLauncher: launcher, timeout: 300 });
    if (isErrorResult(result)) {
      log(`Sign-in failed: ${result.error}: ${result.error_description ?? ''}`);
      return 1;
    }
    log(`Signed in as ${String(result.id_token_claims?.preferred_username)} (${String(result.id_token_claims?.name)})`);
    log(`  access_token  ${redact(result.access_token)}  expires_in=${result.expires_in}s  token_source=${result.token_source}`);

    const [account] = await app.getAccounts();
    const silent = await app.acquireTokenSilent(['email'], account);
    log(`Silent call: token_source=${silent?.token_source ?? 'none'} (same token: ${silent?.access_token === result.access_token})`);
    log(`Cache now holds ${Object.keys(JSON.parse(cache.serialize()).RefreshToken ?? {}).length} refresh token(s) for ${account?.username}.`);
    return silent ? 0 : 1;
  } finally {
    await headless?.close();
    await idp.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const browser = process.argv.includes('--browser') ? 'system' : 'headless';
  runDemo({ browser }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
