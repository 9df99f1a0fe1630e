/**
 * The `brokerbridge` command line (bin/brokerbridge.mjs calls main()).
 * Exit codes: 0 success, 1 sign-in or library error, 2 usage error, 130 cancelled.
 */
import { AbortError, BrokerBridgeError } from '../errors.js';
import { LIBRARY_VERSION } from '../http/telemetry.js';
import { runAccountsCommand, runLogoutCommand } from './account-commands.js';
import { helpFor, parseCliArgs, UsageError, type CliArgs } from './args.js';
import { runDemoCommand } from './demo-command.js';
import { processIo, type CliIo } from './io.js';
import { runTokenCommand } from './token-command.js';

export type { CliIo, CliStream } from './io.js';
export { UsageError } from './args.js';

export const ExitCode = { Ok: 0, Failure: 1, Usage: 2, Cancelled: 130 } as const;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return usage(e, argv[0], io);
    throw e;
  }
  // Only token waits on the user; the other commands keep Node's default Ctrl-C and SIGTERM (exit at once).
  const cancel = cancellation(io, args.command === 'token');
  try {
    return await run(args, io, cancel.signal);
  } catch (e) {
    if (e instanceof UsageError) return usage(e, argv[0], io);
    return failure(e, cancel.signal, io);
  } finally {
    cancel.dispose();
  }
}

function run(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<number> {
  switch (args.command) {
    case 'help':
      io.stdout.write(helpFor(args.topic));
      return Promise.resolve(ExitCode.Ok);
    case 'version':
      io.stdout.write(`${LIBRARY_VERSION}\n`);
      return Promise.resolve(ExitCode.Ok);
    case 'token':
      return runTokenCommand(args, io, signal);
    case 'accounts':
      return runAccountsCommand(args, io);
    case 'logout':
      return runLogoutCommand(args, io);
    case 'demo':
      return runDemoCommand(args, io);
  }
}

function usage(e: UsageError, command: string | undefined, io: CliIo): number {
  io.stderr.write(`brokerbridge: ${e.message}\n\n${helpFor(command)}`);
  return ExitCode.Usage;
}

function failure(e: unknown, signal: AbortSignal, io: CliIo): number {
  if (e instanceof AbortError || signal.aborted) {
    io.stderr.write('Cancelled.\n');
    return ExitCode.Cancelled;
  }
  if (e instanceof BrokerBridgeError) {
    io.stderr.write(`error [${e.code}]: ${e.message}\n`);
    if (e.cause instanceof Error && !e.message.includes(e.cause.message)) io.stderr.write(`  cause: ${e.cause.message}\n`);
    return ExitCode.Failure;
  }
  io.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  return ExitCode.Failure;
}

/**
 * Ctrl-C, or SIGTERM (a service manager, `kill`), aborts the running command through an
 * AbortSignal, so the loopback server closes and the spinner clears; a second one exits at
 * once. A caller that passes io.signal owns cancellation and the signals are left alone.
 */
function cancellation(io: CliIo, handleSignals: boolean): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const external = io.signal;
  if (external) {
    const forward = (): void => controller.abort(external.reason);
    if (external.aborted) forward();
    else external.addEventListener('abort', forward, { once: true });
    return { signal: controller.signal, dispose: () => external.removeEventListener('abort', forward) };
  }
  if (!handleSignals) return { signal: controller.signal, dispose: () => {} };
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(ExitCode.Cancelled);
    controller.abort(new AbortError(name === 'SIGINT' ? 'Interrupted (Ctrl-C)' : `Terminated (${name})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
