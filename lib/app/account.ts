/** An account as getAccounts() returns it: the unified cache's Account entry, wire keys kept. */
export interface Account {
  home_account_id: string;
  environment: string;
  realm: string;
  local_account_id: string;
  username: string;
  authority_type: string;
  account_source?: string;
  name?: string;
  [key: string]: unknown;
}
