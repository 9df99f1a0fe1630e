/** The contract between the silent-hit orchestrator and each contestant (Node modules and bench/silent_hit.py). */
import type { TargetAccount } from './fixture.js';
import type { LatencySummary, TimingPlan } from './timing.js';

export interface BenchInput {
  /** A bench/gen-cache.ts blob on disk: every contestant loads the very same bytes. */
  cachePath: string;
  accounts: number;
  target: TargetAccount;
  plan: TimingPlan;
}

export interface ContestantResult extends LatencySummary {
  contestant: string;
  version: string;
  /** Reading and deserializing the cache file. */
  loadMs: number;
  /** Requests that reached the contestant's HTTP layer; anything above 0 breaks the no-network rule. */
  networkCalls: number;
}

export const CONTESTANTS = ['brokerbridge', 'msal-node', 'msal-python'] as const;
export type ContestantName = (typeof CONTESTANTS)[number];
