/** `brokerbridge accounts` and `brokerbridge logout`, both on a --cache file. */
import { createCliApp } from './app.js';
import type { AccountsArgs, LogoutArgs } from './args.js';
import type { CliIo } from './io.js';
import { accountLines, json } from './output.js';

export async function runAccountsCommand(args: AccountsArgs, io: CliIo): Promise<number> {
  const { app } = await createCliApp(args, io, { readOnly: true });
  const accounts = await app.getAccounts(args.username);
  io.stdout.write(args.json ? json(accounts) : accountLines(accounts));
  return 0;
}

export async function runLogoutCommand(args: LogoutArgs, io: CliIo): Promise<number> {
  const { app, cacheFile } = await createCliApp(args, io);
  try {
    const accounts = await app.getAccounts(args.username);
    if (accounts.length === 0) {
      io.stderr.write(args.username === undefined ? 'No accounts in the cache.\n' : `No cached account for ${args.username}.\n`);
      return args.username === undefined ? 0 : 1;
    }
    for (const account of accounts) {
      await app.removeAccount(account);
      io.stderr.write(`Signed out ${account.username}.\n`);
    }
    return 0;
  } finally {
    await cacheFile?.save();
  }
}
