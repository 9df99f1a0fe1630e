/**
 * Broker enabled but unusable: no broker on the session bus, or no runtime
 * library. The facade must fall back to the browser flow and say why.
 * Own vitest fork: the runtime reads DBUS_SESSION_BUS_ADDRESS once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { PrivateBus } from '../../support/fake-broker/controller.js';
import { authorityMetadataFor } from '../../support/offline-entra.js';

const OFFLINE = {
  clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  authority: 'https://login.microsoftonline.com/organizations',
  authorityMetadata: authorityMetadataFor('organizations'),
  instanceDiscovery: false,
  enableBrokerOnLinux: true,
};
let bus: PrivateBus;

beforeAll(async () => {
  bus = await PrivateBus.start(); // a session bus with no broker on it
  process.env['DBUS_SESSION_BUS_ADDRESS'] = bus.address;
});
afterAll(async () => bus?.stop());

async function browserUrlOf(app: PublicClientApplication): Promise<string | undefined> {
  let opened: string | undefined;
  await app
    .acquireTokenInteractive(['User.Read'], {
      parentWindowHandle: PublicClientApplication.CONSOLE_WINDOW_HANDLE,
      browserLauncher: async (url) => {
        opened = url;
        throw new Error('stop here');
      },
    })
    .catch(() => undefined);
  return opened;
}

describe('broker fallback', () => {
  it('no broker on the bus: isBrokerAvailable says why, and sign-in uses the browser', async () => {
    const logs: string[] = [];
    const app = new PublicClientApplication({ ...OFFLINE, logger: { level: 'warning', callback: (_l, m) => logs.push(m) } });
    const availability = await app.isBrokerAvailable();
    expect(availability.available).toBe(false);
    expect(availability.reason).toMatch(/startup_failed/);
    // Not only the runtime's "ApiContractViolation": what to install, and where it must answer.
    expect(availability.reason).toMatch(/Broker cannot be initialized.*ApiContractViolation/);
    expect(availability.reason).toContain('No Microsoft Identity Broker answered on the D-Bus session bus (name com.microsoft.identity.broker1)');
    expect(availability.reason).toContain('microsoft-identity-broker package');
    expect(availability.reason).not.toContain('DBUS_SESSION_BUS_ADDRESS is not set');
    expect(await browserUrlOf(app)).toMatch(/\/organizations\/oauth2\/v2\.0\/authorize\?/);
    const fallback = logs.find((m) => m.startsWith('Falling back to the browser'));
    expect(fallback).toContain('microsoft-identity-broker');
  });

  it('runtime library missing: a typed reason, and the browser flow', async () => {
    const app = new PublicClientApplication({ ...OFFLINE, brokerRuntimePath: '/nonexistent/libmsalruntime.so' });
    expect(await app.isBrokerAvailable()).toMatchObject({ available: false, reason: /library_not_found|library_load_failed/ });
    expect(await browserUrlOf(app)).toMatch(/authorize\?/);
  });
});
