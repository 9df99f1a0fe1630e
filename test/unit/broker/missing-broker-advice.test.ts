/** Which startup failures get the "install the Linux broker" advice, and what it says. */
import { describe, expect, it } from 'vitest';
import { BrokerUnavailableError } from '../../../lib/errors.js';
import { BrokerCallError } from '../../../lib/broker/broker-error.js';
import { missingBrokerAdvice } from '../../../lib/broker/native-broker-client.js';

const LINUX = 'linux' as const;
const WITH_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' };

function startupFailure(status: number): BrokerUnavailableError {
  const cause = new BrokerCallError({ status, errorCode: 0, tag: 0, context: 'Broker cannot be initialized for MSALRuntime' });
  return new BrokerUnavailableError('The broker runtime cannot start', { cause });
}

describe('missingBrokerAdvice', () => {
  it('names the package and the bus name when the Linux runtime finds no broker', () => {
    for (const status of [6, 19]) {
      const advice = missingBrokerAdvice(startupFailure(status), LINUX, WITH_BUS);
      expect(advice).toContain('No Microsoft Identity Broker answered on the D-Bus session bus (name com.microsoft.identity.broker1)');
      expect(advice).toContain("Install Microsoft's microsoft-identity-broker package");
      expect(advice).not.toContain('DBUS_SESSION_BUS_ADDRESS');
    }
  });

  it('says so when the process has no session bus address', () => {
    expect(missingBrokerAdvice(startupFailure(6), LINUX, {})).toMatch(/DBUS_SESSION_BUS_ADDRESS is not set/);
  });

  it('stays silent for other platforms, WSL, other statuses and errors without a runtime status', () => {
    expect(missingBrokerAdvice(startupFailure(6), 'mac', WITH_BUS)).toBeUndefined();
    expect(missingBrokerAdvice(startupFailure(6), 'windows', WITH_BUS)).toBeUndefined();
    expect(missingBrokerAdvice(startupFailure(6), 'wsl', WITH_BUS)).toBeUndefined();
    expect(missingBrokerAdvice(startupFailure(0), LINUX, WITH_BUS)).toBeUndefined();
    expect(missingBrokerAdvice(new Error('boom'), LINUX, WITH_BUS)).toBeUndefined();
  });
});
