import { it } from 'vitest';
import { loadBrokerRuntime } from '/work/main/lib/broker/native-addon.js';
import { FakeBroker, PrivateBus } from '/work/main/test/support/fake-broker/controller.js';

it('explore', async () => {
  const bus = await PrivateBus.start();
  process.env['DBUS_SESSION_BUS_ADDRESS'] = bus.address;
  const broker = await FakeBroker.start(bus);
  const s = loadBrokerRuntime();
  if (!s.available) throw new Error(s.message);
  const rt = s.runtime;
  await rt.startup();
  const logs: string[] = []; rt.setLogCallback((m, l) => logs.push(l + ' ' + m), { piiEnabled: true });
  const params = { clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', authority: 'https://login.microsoftonline.com/common', scopes: ['User.Read'], redirectUri: 'https://login.microsoftonline.com/common/oauth2/nativeclient' };
  const show = async (label: string, p: Promise<unknown>) => { try { console.log(label, JSON.stringify(await p, null, 1).slice(0, 1500)); } catch (e) { console.log(label, 'ERR', e); } };
  await show('silent', rt.signInSilently(params, 'corr-1'));
  console.log(JSON.stringify(broker.calls, null, 1).slice(0, 3000));
  broker.clearCalls();
  await show('discover', rt.discoverAccounts(params.clientId, ''));
  await show('read', rt.readAccountById('00000000-0000-0000-66f3-3332eca7ea81', ''));
  console.log('DISCOVER/READ CALLS', JSON.stringify(broker.calls).slice(0, 1500));
  const acct = await rt.signInSilently(params, '') as any;
  await show('read2', rt.readAccountById(acct.account.id, ''));
  await show('ats', rt.acquireTokenSilently(params, '', acct.account.id));
  await show('discover2', rt.discoverAccounts(params.clientId, ''));
  for (const st of [] as number[]) { await broker.behave('acquireTokenSilently', { kind: 'error', status: st, errorCode: 42, tag: 7 }); await show('err'+st, rt.signInSilently(params, '')); }
  await broker.behave('acquireTokenSilently', { kind: 'garbage' }); await show('garbage', rt.signInSilently(params, ''));
  await broker.behave('acquireTokenInteractively', { kind: 'token', pop: true }); for (const w of [1, 12345]) await show('interactive'+w, rt.signInInteractively({...params, pop: {httpMethod:'GET', uriHost:'graph.microsoft.com', uriPath:'/v1.0/me', nonce:'n1'}}, '', w));
  console.log(JSON.stringify(broker.calls.slice(-3), null, 1).slice(0, 3000));
  console.log('LOGS\n' + logs.filter(l => /Enumerate|rror|ache|torage|ecret|ile/.test(l)).slice(-60).join('\n'));
  await broker.stop(); await bus.stop();
}, 120000);
