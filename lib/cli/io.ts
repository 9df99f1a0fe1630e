/** Where a CLI run reads its environment and writes its output; injectable so tests and embedders run main() in-process. */
import type { BrowserLauncher } from '../interactive/browser.js';
import type { ProgressStream } from './spinner.js';

export type CliStream = ProgressStream;

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Record<string, string | undefined>;
  /** Cancels the running command, as Ctrl-C does. */
  signal?: AbortSignal | undefined;
  /** Opens the sign-in page; the system browser by default. */
  openBrowser?: BrowserLauncher | undefined;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
