import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/app/logger.js';
import { openCacheFile } from '../../../lib/cli/cache-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bb-cli-cache-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const ENV = ['login.microsoftonline.com'];
const account = {
  home_account_id: 'uid.utid',
  environment: 'login.microsoftonline.com',
  realm: 'utid',
  local_account_id: 'uid',
  username: 'alice@contoso.com',
  authority_type: 'MSSTS',
};
const blob = (accounts: Record<string, unknown>) => JSON.stringify({ Account: accounts, Custom: { keep: 1 } });

describe('openCacheFile', () => {
  it('starts empty when the file is missing and creates nothing until something changes', async () => {
    const path = join(dir, 'sub', 'cache.json');
    const file = await openCacheFile(path);
    expect(file.path).toBe(path);
    expect(file.cache.getAccounts({ environments: ENV })).toEqual([]);
    await file.save();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('loads the file, writes changes back as plain unified JSON with mode 0600, and keeps unknown members', async () => {
    const path = join(dir, 'cache.json');
    await writeFile(path, blob({ a: account }), { mode: 0o644 });
    const file = await openCacheFile(path);
    expect(file.cache.getAccounts({ environments: ENV })).toHaveLength(1);
    file.cache.removeAccount('uid.utid', ENV, 'cid');
    await file.save();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ Account: {}, Custom: { keep: 1 } });
    expect((await readdir(dir)).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('does not erase what another process wrote meanwhile', async () => {
    const path = join(dir, 'cache.json');
    await writeFile(path, blob({ a: account }));
    const one = await openCacheFile(path);
    const other = { ...account, home_account_id: 'u2.utid', local_account_id: 'u2', username: 'bob@contoso.com' };
    await writeFile(path, blob({ a: account, b: other }));
    one.cache.removeAccount('uid.utid', ENV, 'cid');
    await one.save();
    const reread = await openCacheFile(path);
    expect(reread.cache.getAccounts({ environments: ENV }).map((a) => a.username)).toEqual(['bob@contoso.com']);
  });

  it('repairs a damaged file, keeps its readable entries, moves the original aside and says so', async () => {
    const path = join(dir, 'cache.json');
    await writeFile(path, `{"Account":{"a":${JSON.stringify(account)},"b":{"home_account_id":1}}`);
    const warnings: string[] = [];
    const file = await openCacheFile(path, { logger: createLogger({ level: 'warning', callback: (_l, m) => warnings.push(m) }) });
    await file.save();
    expect(file.cache.getAccounts({ environments: ENV })).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/damaged/);
    expect((await readdir(dir)).some((n) => n.startsWith('cache.json.corrupt-'))).toBe(true);
  });
});
