/**
 * What the CLI prints. Tokens reach stdout only: either the bare access token
 * (for `$(brokerbridge token …)`) or, with --json, the whole result the user asked
 * for. Everything meant for the human goes to stderr and holds no secret.
 */
import type { Account } from '../app/account.js';
import type { ErrorResult, TokenResult } from '../oauth2/types.js';

/** Keys of a result that hold credentials and never appear in a summary. */
const SECRET_KEYS = new Set(['access_token', 'refresh_token', 'id_token', 'client_info']);

export function tokenSummary(result: TokenResult): string {
  const claims = result.id_token_claims;
  const who = claims?.preferred_username ?? claims?.sub;
  const lines = [
    who === undefined ? 'Got a token' : `Signed in as ${String(who)}${claims?.name ? ` (${String(claims.name)})` : ''}`,
    `  token_type=${result.token_type}  expires_in=${result.expires_in}s  token_source=${result.token_source}`,
  ];
  if (result.scope) lines.push(`  scope=${result.scope}`);
  const others = Object.keys(result).filter((k) => SECRET_KEYS.has(k) && result[k] !== undefined);
  lines.push(`  holds: ${others.join(', ')} (use --json to see them)`);
  return `${lines.join('\n')}\n`;
}

export function errorLine(result: ErrorResult): string {
  const description = result.error_description ? `: ${firstLine(result.error_description)}` : '';
  return `error [${result.error}]${description}\n`;
}

/** Entra descriptions carry trace and correlation ids on further lines; the first says it all. */
function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? text;
}

export function accountLines(accounts: readonly Account[]): string {
  if (accounts.length === 0) return 'No accounts in the cache.\n';
  return accounts.map((a) => `${a.username}\t${a.home_account_id}\t${a.environment}${a.name ? `\t${a.name}` : ''}\n`).join('');
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
