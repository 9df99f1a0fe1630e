/**
 * Valgrind memcheck as the broker tests run it: the options, and what the log
 * says. test/support/valgrind.supp hides what belongs to Node/V8,
 * libmsalruntime and glib/D-Bus; what remains is ours.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const support = dirname(fileURLToPath(import.meta.url));

/** valgrind's arguments before the program: full leak check, definite leaks count as errors. */
export function memcheckArgs(logFile: string): string[] {
  return [
    '--tool=memcheck',
    '--leak-check=full',
    '--errors-for-leak-kinds=definite',
    '--show-leak-kinds=definite',
    '--error-exitcode=99',
    '--num-callers=40',
    // A failure's message carries the log; ready-made suppressions in it save a rerun.
    '--gen-suppressions=all',
    `--suppressions=${join(support, 'valgrind.supp')}`,
    `--log-file=${logFile}`,
  ];
}

export interface MemcheckSummary {
  errors: number;
  suppressedErrors: number;
  definitelyLostBytes: number;
}

/** The ERROR SUMMARY and definitely-lost figures of one log (NaN when absent; 0 lost when no leak section). */
export function memcheckSummary(log: string): MemcheckSummary {
  const summary = /ERROR SUMMARY: (\d+) errors from \d+ contexts \(suppressed: (\d+) from/.exec(log);
  const lost = /definitely lost: ([\d,]+) bytes/.exec(log);
  const noLeaks = /All heap blocks were freed/.test(log);
  return {
    errors: Number(summary?.[1] ?? Number.NaN),
    suppressedErrors: Number(summary?.[2] ?? Number.NaN),
    definitelyLostBytes: noLeaks ? 0 : Number((lost?.[1] ?? 'NaN').replaceAll(',', '')),
  };
}
