// Electron main process: sign in through the OS broker (WAM on Windows, Company
// Portal on macOS, the identity broker on Linux), parented to this app's window,
// and fall back to the system browser where no broker is available.
'use strict';

const { app, BrowserWindow } = require('electron');
const { PublicClientApplication, SerializableTokenCache, isErrorResult } = require('brokerbridge');

const CLIENT_ID = process.env.BROKERBRIDGE_CLIENT_ID || '00000000-0000-0000-0000-000000000000';
const AUTHORITY = process.env.BROKERBRIDGE_AUTHORITY || 'https://login.microsoftonline.com/organizations';
const SCOPES = ['User.Read'];

const pca = new PublicClientApplication({
  clientId: CLIENT_ID,
  authority: AUTHORITY,
  tokenCache: new SerializableTokenCache(),
  enableBrokerOnWindows: true,
  enableBrokerOnMac: true,
  enableBrokerOnLinux: true,
  enableBrokerOnWsl: true,
  logger: {
    level: 'warning',
    // Where no broker runs (or it answers that it cannot help), the library falls
    // back to the system browser by itself and says why here.
    callback: (level, message) => console.warn(`[brokerbridge ${level}] ${message}`),
  },
});

async function signIn(win) {
  const [account] = await pca.getAccounts();
  if (account) {
    const silent = await pca.acquireTokenSilent(SCOPES, account);
    if (silent) return silent;
  }
  return pca.acquireTokenInteractive(SCOPES, {
    // Required with the broker enabled: its account picker becomes a modal child of
    // this window instead of appearing behind it. A Buffer with the HWND / NSView* / X11 id.
    parentWindowHandle: win.getNativeWindowHandle(),
    prompt: 'select_account',
    // Bounds the browser fallback: stop waiting for a tab the user closed.
    timeout: 300,
    onBeforeLaunchingUi: () => win.setTitle('brokerbridge: complete the sign-in'),
  });
}

function show(win, text) {
  const html = `<!doctype html><meta charset="utf-8"><title>brokerbridge</title><body style="font:16px system-ui;padding:2em">${text}</body>`;
  return win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

app.whenReady().then(async () => {
  const win = new BrowserWindow({ width: 640, height: 360, title: 'brokerbridge Electron example' });
  await show(win, 'Signing in…');
  try {
    const result = await signIn(win);
    if (isErrorResult(result)) {
      await show(win, `Sign-in failed: ${escapeHtml(result.error)}<br>${escapeHtml(result.error_description || '')}`);
      return;
    }
    const who = result.id_token_claims ? result.id_token_claims.preferred_username : 'unknown user';
    // The token itself stays in the main process; send it to your API from here, never to the page.
    await show(win, `Signed in as <b>${escapeHtml(who)}</b> (token from ${escapeHtml(result.token_source)}, expires in ${result.expires_in} s).`);
  } catch (error) {
    await show(win, `Error [${escapeHtml(error.code || 'unexpected')}]: ${escapeHtml(error.message)}`);
  }
});

app.on('window-all-closed', () => app.quit());
