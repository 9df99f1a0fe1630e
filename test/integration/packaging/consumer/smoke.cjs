// Drives the built package the way an application would, through its public
// API only, and reports what happened as JSON. The same body runs from
// CommonJS (require.cjs) and from an ES module (import.mjs), so each build is
// exercised where it loads ESM-only code: jose (bundled into the CommonJS
// build; decodeJwt is synchronous, signing is not) and `open` (a lazy import()).
'use strict';

/** @param {typeof import('brokerbridge')} bb */
module.exports = async function smoke(bb, config) {
  const report = { node: process.version, exports: {} };
  for (const name of ['PublicClientApplication', 'ConfidentialClientApplication', 'SerializableTokenCache', 'PopAuthScheme', 'isErrorResult']) {
    report.exports[name] = typeof bb[name];
  }

  // The prebuilt addon (PREBUILDS_ONLY=1) and MSALRuntime behind it.
  const brokered = new bb.PublicClientApplication(
    { clientId: config.clientId, authority: 'https://login.microsoftonline.com/common', enableBrokerOnLinux: true },
    { platform: 'linux', wsl: false },
  );
  report.broker = await brokered.isBrokerAvailable();

  const app = new bb.PublicClientApplication({
    clientId: config.clientId,
    authority: config.authority,
    instanceDiscoveryEndpoint: config.instanceDiscoveryEndpoint,
    allowHttpLoopbackAuthority: true,
  });

  // A token response with an ID token: jose's synchronous decodeJwt.
  const signIn = await app.acquireTokenByUsernamePassword(config.username, config.password, config.scopes);
  report.signIn = bb.isErrorResult(signIn) ? { error: signIn.error } : { token_source: signIn.token_source, username: signIn.id_token_claims && signIn.id_token_claims.preferred_username };

  // Proof-of-Possession: jose generates the key and signs the request.
  const [account] = await app.getAccounts();
  const scheme = new bb.PopAuthScheme({ httpMethod: 'GET', url: 'https://api.contoso.com/items', nonce: 'n-1' });
  const pop = await app.acquireTokenSilent(config.scopes, account, { authScheme: scheme });
  report.pop = pop && !bb.isErrorResult(pop) ? { token_type: pop.token_type, shr: pop.access_token } : pop;

  // The system browser through `open` (BROWSER names a stand-in that declines the sign-in).
  const interactive = await app.acquireTokenInteractive(config.scopes, { timeout: 60 });
  report.interactive = bb.isErrorResult(interactive) ? { error: interactive.error } : { token_source: interactive.token_source };
  return report;
};
