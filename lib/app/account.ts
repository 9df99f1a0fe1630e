import type { AccountEntry } from '../cache/entries.js';

/** An account as getAccounts() returns it: the unified cache's Account entry, wire keys kept. */
export type Account = AccountEntry;
