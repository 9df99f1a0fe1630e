/**
 * The portable half of the macOS main-run-loop pump (native/run_loop_pump.cc):
 * it ticks exactly while broker calls are in flight, asks again at every first
 * call whether the host already runs the loop, and keeps each tick within its
 * budget. Compiled here with the system C++ compiler and driven through fake
 * hooks (test/support/run-loop-pump-driver.cc); the macOS hooks themselves only
 * compile on this machine (the darwin prebuilds).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from '../packaging/package-root.js';

const BUDGET_NS = 1_000_000; // RunLoopPump::kTickBudgetNs

let workDir: string;
let driver: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'brokerbridge-pump-'));
  driver = join(workDir, 'driver');
  await promisify(execFile)(
    'g++',
    ['-std=c++17', '-Wall', '-Wextra', '-Werror', `-I${join(PACKAGE_DIR, 'native')}`,
      join(PACKAGE_DIR, 'native/run_loop_pump.cc'), join(PACKAGE_DIR, 'test/support/run-loop-pump-driver.cc'), '-o', driver],
    { timeout: 120_000 },
  );
}, 150_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Runs the commands and returns what the driver printed, one entry per line. */
function drive(...commands: string[]): string[] {
  const r = spawnSync(driver, { input: `${commands.join('\n')}\n`, encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

const count = (lines: string[], line: string) => lines.filter((l) => l === line).length;

describe('RunLoopPump', () => {
  it('starts ticking with the first call in flight and stops with the last', () => {
    expect(drive('begin', 'begin', 'end', 'end')).toEqual([
      'start yes', '= inflight=1 ticking=1',
      '= inflight=2 ticking=1',
      '= inflight=1 ticking=1',
      'stop', '= inflight=0 ticking=0',
    ]);
  });

  it('ignores a settle with nothing in flight', () => {
    expect(drive('end', 'begin', 'end', 'end')).toEqual([
      '= inflight=0 ticking=0',
      'start yes', '= inflight=1 ticking=1',
      'stop', '= inflight=0 ticking=0',
      '= inflight=0 ticking=0',
    ]);
  });

  it('never services a loop the host already runs, and asks again at the next first call', () => {
    expect(drive('host-runs-loop on', 'begin', 'tick', 'end', 'host-runs-loop off', 'begin', 'tick', 'end')).toEqual([
      '= inflight=0 ticking=0',
      'start no', '= inflight=1 ticking=0',
      '= inflight=1 ticking=0',
      '= inflight=0 ticking=0',
      '= inflight=0 ticking=0',
      'start yes', '= inflight=1 ticking=1',
      'service', '= inflight=1 ticking=1',
      'stop', '= inflight=0 ticking=0',
    ]);
  });

  it('asks the host once per first call, not once per call', () => {
    const lines = drive('begin', 'begin', 'begin', 'end', 'end', 'end', 'begin', 'end');
    expect(count(lines, 'start yes')).toBe(2);
    expect(count(lines, 'stop')).toBe(2);
  });

  it('makes one pass per tick when nothing is waiting', () => {
    expect(drive('begin', 'tick', 'tick')).toEqual([
      'start yes', '= inflight=1 ticking=1',
      'service', '= inflight=1 ticking=1',
      'service', '= inflight=1 ticking=1',
    ]);
  });

  it('drains work that is ready within one tick', () => {
    const lines = drive('begin', 'ready 3', 'tick');
    // Three passes that found work, and the one that found none.
    expect(count(lines, 'service')).toBe(4);
  });

  it('ends a tick once its budget is spent, and goes on at the next tick', () => {
    const cost = 300_000;
    const lines = drive('begin', 'ready 1000', `cost ${cost}`, 'tick', 'tick');
    const perTick = Math.ceil(BUDGET_NS / cost); // the pass that crosses the budget is the last
    expect(count(lines, 'service')).toBe(2 * perTick);
  });

  it('does no pass on a tick that arrives after the last call settled', () => {
    const lines = drive('begin', 'end', 'tick');
    expect(count(lines, 'service')).toBe(0);
  });
});
