/**
 * Setup file of the unit tier (vitest project "unit"): the tier is hermetic, so any attempt to
 * start a process or open a socket fails the test at once, naming what it tried. Tests that need
 * real processes or sockets belong in test/integration or test/e2e.
 */
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

function refuse(what: string): never {
  throw new Error(`the unit tier is hermetic: ${what} is not allowed here; move this test to test/integration`);
}

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  (childProcess as unknown as Record<string, unknown>)[name] = () => refuse(`child_process.${name}()`);
}
net.Server.prototype.listen = function listen() {
  return refuse('net.Server.listen()');
};
net.Socket.prototype.connect = function connect() {
  return refuse('net.Socket.connect()');
};
net.connect = net.createConnection = () => refuse('net.connect()');
dgram.createSocket = () => refuse('dgram.createSocket()');
globalThis.fetch = () => refuse('fetch()');
// ES modules that imported the functions above see the replacements too.
syncBuiltinESMExports();
