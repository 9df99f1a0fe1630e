/**
 * The published type declarations, as strict consumers compile them: a
 * CommonJS project ("type": "commonjs") and an ES module file, both with
 * moduleResolution node16, no skipLibCheck and no DOM lib, using the public
 * API including the types around PoP and SSH keys.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, requireFreshBuild, withoutComments } from './package-root.js';

const run = promisify(execFile);
const DECLARATIONS = ['dist/index.d.ts', 'dist/index.d.cts'];

/** Uses most of what an app touches, PoP and SSH key types included; each module system gets the same body. */
const CONSUMER_BODY = `
const app = new PublicClientApplication({
  clientId: '00000000-0000-0000-0000-000000000000',
  authority: 'https://login.microsoftonline.com/organizations',
  enableBrokerOnWindows: true,
  enableBrokerOnLinux: true,
  popKeyStore: createFilePopKeyStore('/tmp/pop-key.json'),
});
const store: PopKeyStore = { load: async () => undefined, save: async (_jwk: string) => {} };
const publicKeyJwk: Jwk = { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k1' };
const ssh = new SshCertAuthScheme({ publicKeyJwk, keyId: 'k1' });
const pop = new PopAuthScheme({ httpMethod: PopAuthScheme.HTTP_GET, url: 'https://api.contoso.com/items' });
type SignWith = Parameters<PopAuthScheme['signRequest']>[1];
const signerKey = (key: WebCryptoKey, jwk: Jwk): SignWith => ({ privateKey: key, publicJwk: jwk, kid: 'k1' });

export async function use(account: Account, handle: Buffer): Promise<string | undefined> {
  const status: { available: boolean; reason?: string } = await app.isBrokerAvailable();
  const silent: AcquireTokenResult | null = await app.acquireTokenSilent(['User.Read'], account, { authScheme: pop });
  const interactive = await app.acquireTokenInteractive(['User.Read'], { parentWindowHandle: handle, authScheme: ssh });
  if (isErrorResult(interactive)) return \`\${interactive.error}: \${interactive.error_description ?? ''}\`;
  const cca = new ConfidentialClientApplication({
    clientId: 'c',
    authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    clientCredential: 'secret',
  });
  const forClient = await cca.acquireTokenForClient(['https://graph.microsoft.com/.default']);
  try {
    new PublicClientApplication({ clientId: '' });
  } catch (e) {
    if (e instanceof BrokerBridgeError) return e.code;
  }
  void [status, silent, forClient, store, signerKey, SerializableTokenCache];
  return interactive.token_source;
}
`;
const NAMES =
  'PublicClientApplication, ConfidentialClientApplication, SerializableTokenCache, PopAuthScheme, SshCertAuthScheme, ' +
  'BrokerBridgeError, createFilePopKeyStore, isErrorResult, type Account, type AcquireTokenResult, type Jwk, ' +
  'type PopKeyStore, type WebCryptoKey';

let project: string;

beforeAll(async () => {
  requireFreshBuild(...DECLARATIONS);
  project = await mkdtemp(join(tmpdir(), 'bb-consumer-'));
  await mkdir(join(project, 'node_modules', '@types'), { recursive: true });
  await symlink(PACKAGE_DIR, join(project, 'node_modules', 'brokerbridge'), 'dir');
  await symlink(join(PACKAGE_DIR, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'), 'dir');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        lib: ['es2022'],
        module: 'node16',
        moduleResolution: 'node16',
        types: ['node'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['commonjs.ts', 'esm.mts'],
    }),
  );
  // "type": "commonjs": a .ts file is CommonJS and gets dist/index.d.cts; a .mts file is an ES module and gets dist/index.d.ts.
  await writeFile(join(project, 'commonjs.ts'), `import { ${NAMES} } from 'brokerbridge';\n${CONSUMER_BODY}`);
  await writeFile(join(project, 'esm.mts'), `import { ${NAMES} } from 'brokerbridge';\n${CONSUMER_BODY}`);
});
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('type declarations', () => {
  it('import nothing from jose or open, which are ES modules a CommonJS consumer cannot import types from', () => {
    for (const file of DECLARATIONS) {
      const code = withoutComments(readFileSync(join(PACKAGE_DIR, file), 'utf8'));
      const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(imports, file).toEqual(imports.filter((m) => m?.startsWith('node:') || m?.startsWith('./')));
    }
  });

  it('type-check for CommonJS and ES module consumers with node16 resolution and no skipLibCheck', async () => {
    const tsc = join(PACKAGE_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', project, '--traceResolution'], { cwd: project, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }).catch(
      (e: { stdout: string; code: number }) => e,
    );
    const out = result.stdout;
    const errors = out.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([]);
    // Each module system got its own declarations.
    expect(out).toMatch(/'brokerbridge' was successfully resolved to '[^']*\/dist\/index\.d\.cts'/);
    expect(out).toMatch(/'brokerbridge' was successfully resolved to '[^']*\/dist\/index\.d\.ts'/);
  }, 150_000);
});
