import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCacheFile } from '../../../lib/cli/cache-file.js';
import { PersistenceError } from '../../../lib/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bb-cli-cache-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const account = {
  home_account_id: 'uid.utid',
  environment: 'login.microsoftonline.com',
  realm: 'utid',
  local_account_id: 'uid',
  username: 'alice@contoso.com',
  authority_type: 'MSSTS',
};

describe('openCacheFile', () => {
  it('starts empty when the file is missing and writes nothing until something changes', async () => {
    const path = join(dir, 'sub', 'cache.json');
    const file = await openCacheFile(path);
    expect(file.dropped).toEqual([]);
    await file.save();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('saves atomically with mode 0600, keeps unknown members, and reloads', async () => {
    const path = join(dir, 'cache.json');
    const blob = JSON.stringify({ Account: { 'uid.utid-login.microsoftonline.com-utid': account }, Custom: { keep: 1 } });
    await writeFile(path, blob, { mode: 0o644 });
    const file = await openCacheFile(path);
    expect(file.cache.getAccounts({ environments: ['login.microsoftonline.com'] })).toHaveLength(1);
    file.cache.removeAccount('uid.utid', ['login.microsoftonline.com'], 'cid');
    expect(file.cache.hasStateChanged).toBe(true);
    await file.save();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ Account: {}, Custom: { keep: 1 } });
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('salvages a damaged file and reports what was dropped', async () => {
    const path = join(dir, 'cache.json');
    await writeFile(path, `{"Account":{"a":${JSON.stringify(account)},"b":{"home_account_id":1}}`);
    const file = await openCacheFile(path);
    expect(file.cache.getAccounts({ environments: ['login.microsoftonline.com'] })).toHaveLength(1);
    expect(file.dropped.length).toBeGreaterThan(0);
  });

  it('a path it cannot read or write is a PersistenceError', async () => {
    await expect(openCacheFile(dir)).rejects.toBeInstanceOf(PersistenceError);
    const file = await openCacheFile(join(dir, 'sub', 'cache.json'));
    // The folder it would create turns out to be a file by the time the cache is saved.
    await writeFile(join(dir, 'sub'), '');
    file.cache.deserialize(JSON.stringify({ Account: { k: account } }));
    file.cache.removeAccount('uid.utid', ['login.microsoftonline.com'], 'cid');
    await expect(file.save()).rejects.toBeInstanceOf(PersistenceError);
  });
});
