/**
 * The in-memory unified token cache. Lookups go through hash indexes on entry
 * fields (never storage keys, which differ between MSAL libraries), so the
 * silent path costs O(1) in the number of cached tokens.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../app/logger.js';
import { silentLogger } from '../app/logger.js';
import type {
  AccessTokenEntry,
  AccountEntry,
  AppMetadataEntry,
  CacheSection,
  IdTokenEntry,
  RefreshTokenEntry,
  SectionEntry,
} from './entries.js';
import { accessTokenKeyId, cacheSections, normalizeHomeAccountId } from './entries.js';
import { carriedOver, entriesFromResponse, type CacheAddEvent } from './entries-from-response.js';
import { cacheKey } from './keys.js';
import { compositeKey } from './multi-index.js';
import { isSubset, scopeSet, targetScopes } from './scopes.js';
import { SectionStore, type LookupStats, type StoredRecord } from './section-store.js';

export type { CacheAddEvent } from './entries-from-response.js';

/** Options of {@link TokenCache} and its subclasses. */
export interface TokenCacheOptions {
  /** Receives warnings (e.g. a change listener that threw) and verbose traces. */
  logger?: Logger | undefined;
  /**
   * home_account_id written on app-only (client credentials) tokens. MSAL Node and
   * MSAL.NET write and look up "", MSAL Python writes and looks up null; no single
   * value is found by both, so pick the library you share the cache with.
   */
  appOnlyHomeAccountId?: null | '' | undefined;
}

/** What {@link TokenCache.findAccessToken} looks for. */
export interface AccessTokenQuery {
  homeAccountId: string | null;
  /** The authority's aliases; each is tried in order. */
  environments: readonly string[];
  clientId: string;
  realm: string;
  scopes: readonly string[];
  keyId?: string | undefined;
  extCacheKey?: string | undefined;
  /** Compared case-insensitively; entries without token_type count as Bearer. */
  tokenType?: string | undefined;
}

/** What {@link TokenCache.findRefreshTokens} looks for. */
export interface RefreshTokenQuery {
  homeAccountId: string;
  environments: readonly string[];
  /** RTs issued to this client. */
  clientId?: string | undefined;
  /** FOCI RTs of this family. With clientId too, both kinds are returned. */
  familyId?: string | undefined;
}

/** What {@link TokenCache.findIdToken} looks for. */
export interface IdTokenQuery {
  homeAccountId: string | null;
  environments: readonly string[];
  clientId: string;
  realm: string;
}

/** Which accounts {@link TokenCache.getAccounts} lists; every account when empty. */
export interface AccountQuery {
  /** The authority's aliases. Accounts on any of them form one group per home account. */
  environments?: readonly string[] | undefined;
  /** Case-insensitive. */
  username?: string | undefined;
  /** Only accounts this client (or its FOCI family) holds an RT or id token for. */
  clientId?: string | undefined;
}

/** One account per home account (and environment group), with every tenant it was seen in. */
export type CachedAccount = AccountEntry & { realms: string[] };

/** What kind of change a {@link CacheChange} reports; 'load' is a deserialize(). */
export type CacheChangeKind = 'add' | 'update' | 'remove' | 'clear' | 'load';
/** One change of a token cache, as {@link TokenCache.onChange} listeners receive it. */
export interface CacheChange {
  kind: CacheChangeKind;
}
/** A {@link TokenCache.onChange} listener. */
export type CacheChangeListener = (change: CacheChange) => void;

function newestFirst<E extends { last_modification_time?: unknown }>(a: StoredRecord<E>, b: StoredRecord<E>): number {
  const ta = Number(a.entry.last_modification_time ?? 0) || 0;
  const tb = Number(b.entry.last_modification_time ?? 0) || 0;
  return tb - ta || b.seq - a.seq;
}

/**
 * The in-memory token cache in the unified schema that MSAL Python, MSAL Node and MSAL.NET
 * share. Applications read and write it themselves; use {@link SerializableTokenCache} to
 * save it, or {@link PersistentTokenCache} to share it with other processes. The lookup and
 * removal methods below are the low-level API the applications are built on.
 *
 * @example
 * ```ts
 * const tokenCache = new TokenCache();
 * const stop = tokenCache.onChange(({ kind }) => console.log(`token cache: ${kind}`));
 * const app = new PublicClientApplication({ clientId: '<app id>', tokenCache });
 * ```
 */
export class TokenCache {
  /** @internal Entries lookups had to read; grows by the bucket size per lookup, never by the cache size. */
  readonly stats: LookupStats = { entriesExamined: 0 };
  /** @internal */
  protected readonly logger: Logger;
  private readonly appOnlyHomeAccountId: null | '';
  private readonly listeners = new Set<CacheChangeListener>();

  private readonly accessTokens = new SectionStore<AccessTokenEntry, 'lookup' | 'owner' | 'appOnly'>(
    {
      lookup: (e) =>
        compositeKey(
          normalizeHomeAccountId(e.home_account_id),
          e.environment,
          e.client_id,
          e.realm,
          accessTokenKeyId(e),
          e.ext_cache_key,
        ),
      owner: (e) => compositeKey(normalizeHomeAccountId(e.home_account_id), e.environment),
      appOnly: (e) => (normalizeHomeAccountId(e.home_account_id) === '' ? compositeKey(e.client_id) : undefined),
    },
    this.stats,
  );
  private readonly refreshTokens = new SectionStore<RefreshTokenEntry, 'client' | 'family' | 'owner'>(
    {
      client: (e) => compositeKey(normalizeHomeAccountId(e.home_account_id), e.environment, e.client_id),
      family: (e) =>
        e.family_id ? compositeKey(normalizeHomeAccountId(e.home_account_id), e.environment, e.family_id) : undefined,
      owner: (e) => compositeKey(normalizeHomeAccountId(e.home_account_id), e.environment),
    },
    this.stats,
  );
  private readonly idTokens = new SectionStore<IdTokenEntry, 'lookup' | 'owner'>(
    {
      lookup: (e) => compositeKey(normalizeHomeAccountId(e.home_account_id), e.environment, e.client_id, e.realm),
      owner: (e) => compositeKey(normalizeHomeAccountId(e.home_account_id), e.environment),
    },
    this.stats,
  );
  private readonly accounts = new SectionStore<AccountEntry, 'home' | 'owner'>(
    {
      home: (e) => compositeKey(e.home_account_id),
      owner: (e) => compositeKey(e.home_account_id, e.environment),
    },
    this.stats,
  );
  private readonly appMetadata = new SectionStore<AppMetadataEntry, 'lookup'>(
    { lookup: (e) => compositeKey(e.environment, e.client_id) },
    this.stats,
  );

  constructor(options: TokenCacheOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.appOnlyHomeAccountId = options.appOnlyHomeAccountId === null ? null : '';
  }

  /** @internal The subclasses' way to a section (serialization, persistence). */
  protected store<S extends CacheSection>(section: S): SectionStore<SectionEntry[S], string> {
    const stores = {
      AccessToken: this.accessTokens,
      RefreshToken: this.refreshTokens,
      IdToken: this.idTokens,
      Account: this.accounts,
      AppMetadata: this.appMetadata,
    };
    return stores[section] as unknown as SectionStore<SectionEntry[S], string>;
  }

  /** @internal Tells `observer` of every entry stored or removed, per section (a distributed cache tracks its partitions so). */
  protected observeStores(observer: (section: CacheSection, key: string, entry: unknown, removed: boolean) => void): void {
    for (const section of cacheSections) {
      this.store(section).observer = (key, entry, removed) => observer(section, key, entry, removed);
    }
  }

  /** Listens to every change; returns the function that stops listening. */
  onChange(listener: CacheChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal Tells the listeners; subclasses call it for the changes they make. */
  protected emit(kind: CacheChangeKind): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ kind });
      } catch (e) {
        // The change is already committed; a failing listener must not make it look failed.
        this.logger.log('warning', `token cache change listener threw: ${e instanceof Error ? e.name : typeof e}`);
      }
    }
  }

  /**
   * Caches what a token response holds, as MSAL Python's add() does: each entry
   * replaces only the entry with the same key (other ATs for overlapping scopes
   * stay). Synchronous, so no other call sees a half-applied response.
   */
  add(event: CacheAddEvent): { homeAccountId: string | null; account?: AccountEntry } {
    const built = entriesFromResponse(event, this.appOnlyHomeAccountId);
    this.logger.log('verbose', `token cache add: ${describeEvent(event)}`, true);
    let account: AccountEntry | undefined;

    if (built.accessToken) this.accessTokens.put(cacheKey('AccessToken', built.accessToken), built.accessToken);
    if (built.refreshToken) {
      if (event.replacesRefreshToken) this.rotateRefreshToken(event.replacesRefreshToken, built.refreshToken);
      else this.refreshTokens.put(cacheKey('RefreshToken', built.refreshToken), built.refreshToken);
    }
    if (built.idToken) this.idTokens.put(cacheKey('IdToken', built.idToken), built.idToken);
    if (built.account) {
      const fresh = built.account;
      let merged: AccountEntry = fresh;
      for (const r of this.accounts.bucket('owner', this.accounts.indexKey('owner', fresh))) {
        if (r.entry.realm.toLowerCase() !== fresh.realm.toLowerCase()) continue;
        // As MSAL Python, what we write comes from the response alone; what other SDKs added stays.
        merged = { ...carriedOver('Account', r.entry), ...fresh };
        this.accounts.delete(r.key);
      }
      account = this.accounts.put(cacheKey('Account', merged), merged);
    }
    {
      const md = built.appMetadata;
      let merged: AppMetadataEntry = md;
      for (const r of this.appMetadata.bucket('lookup', this.appMetadata.indexKey('lookup', md))) {
        merged = { ...carriedOver('AppMetadata', r.entry), ...md };
        this.appMetadata.delete(r.key);
      }
      this.appMetadata.put(cacheKey('AppMetadata', merged), merged);
    }
    this.emit('add');
    return account ? { homeAccountId: built.homeAccountId, account } : { homeAccountId: built.homeAccountId };
  }

  /** The cached AT whose target holds every requested scope; the longest-lived one (then the newest) when several do. */
  findAccessToken(q: AccessTokenQuery): AccessTokenEntry | undefined {
    const wanted = scopeSet(q.scopes);
    const tokenType = q.tokenType?.toLowerCase();
    let best: AccessTokenEntry | undefined;
    for (const env of q.environments) {
      const ik = compositeKey(normalizeHomeAccountId(q.homeAccountId), env, q.clientId, q.realm, q.keyId, q.extCacheKey);
      for (const { entry } of this.accessTokens.bucket('lookup', ik)) {
        if (tokenType && (entry.token_type ?? 'Bearer').toLowerCase() !== tokenType) continue;
        if (!isSubset(wanted, targetScopes(entry.target))) continue;
        // The longest-lived; on a tie the one cached last (buckets keep insertion order).
        if (!best || Number(entry.expires_on) >= Number(best.expires_on)) best = entry;
      }
      if (best) return best;
    }
    return undefined;
  }

  /** RTs of the account for the client and/or family, newest first. */
  findRefreshTokens(q: RefreshTokenQuery): RefreshTokenEntry[] {
    if (q.clientId === undefined && q.familyId === undefined) {
      throw new InvalidArgumentError('findRefreshTokens needs a clientId or a familyId');
    }
    const found = new Map<string, StoredRecord<RefreshTokenEntry>>();
    for (const env of q.environments) {
      if (q.clientId !== undefined) {
        for (const r of this.refreshTokens.bucket('client', compositeKey(q.homeAccountId, env, q.clientId))) found.set(r.key, r);
      }
      if (q.familyId !== undefined) {
        for (const r of this.refreshTokens.bucket('family', compositeKey(q.homeAccountId, env, q.familyId))) found.set(r.key, r);
      }
    }
    return [...found.values()].sort(newestFirst).map((r) => r.entry);
  }

  /** The account's ID token for this client and tenant. */
  findIdToken(q: IdTokenQuery): IdTokenEntry | undefined {
    for (const env of q.environments) {
      let newest: StoredRecord<IdTokenEntry> | undefined;
      const ik = compositeKey(normalizeHomeAccountId(q.homeAccountId), env, q.clientId, q.realm);
      for (const r of this.idTokens.bucket('lookup', ik)) if (!newest || r.seq > newest.seq) newest = r;
      if (newest) return newest.entry;
    }
    return undefined;
  }

  /** What the cache knows about a client on these hosts (its FOCI family). */
  getAppMetadata(environments: readonly string[], clientId: string): AppMetadataEntry | undefined {
    for (const env of environments) {
      for (const r of this.appMetadata.bucket('lookup', compositeKey(env, clientId))) return r.entry;
    }
    return undefined;
  }

  /** Accounts, one per home account and environment group, the home-tenant entry first. */
  getAccounts(q: AccountQuery = {}): CachedAccount[] {
    const envRank = q.environments ? new Map(q.environments.map((e, i) => [e.toLowerCase(), i] as const)) : undefined;
    const username = q.username?.toLowerCase();
    const groups = new Map<string, Array<StoredRecord<AccountEntry>>>();
    for (const r of this.accounts.all()) {
      const env = r.entry.environment.toLowerCase();
      if (envRank && !envRank.has(env)) continue;
      if (username !== undefined && r.entry.username.toLowerCase() !== username) continue;
      const group = envRank ? compositeKey(r.entry.home_account_id) : compositeKey(r.entry.home_account_id, env);
      const list = groups.get(group);
      if (list) list.push(r);
      else groups.set(group, [r]);
    }
    const out: CachedAccount[] = [];
    for (const records of groups.values()) {
      const first = records[0];
      if (!first) continue;
      if (q.clientId !== undefined && !this.clientKnowsAccount(first.entry.home_account_id, records, q.clientId)) continue;
      // The preferred alias wins; within it, the home tenant (utid of uid.utid) represents the account.
      const homeTenant = first.entry.home_account_id.split('.')[1]?.toLowerCase();
      const rank = (r: StoredRecord<AccountEntry>) =>
        (envRank?.get(r.entry.environment.toLowerCase()) ?? 0) * 2 + (r.entry.realm.toLowerCase() === homeTenant ? 0 : 1);
      const chosen = records.reduce((a, b) => (rank(b) < rank(a) ? b : a));
      const realms = [...new Set(records.map((r) => r.entry.realm))];
      out.push({ ...chosen.entry, realms });
    }
    return out;
  }

  private clientKnowsAccount(homeAccountId: string, records: Array<StoredRecord<AccountEntry>>, clientId: string): boolean {
    const envs = [...new Set(records.map((r) => r.entry.environment))];
    const familyId = this.getAppMetadata(envs, clientId)?.family_id;
    if (this.findRefreshTokens({ homeAccountId, environments: envs, clientId, ...(familyId ? { familyId } : {}) }).length) {
      return true;
    }
    for (const env of envs) {
      for (const r of this.idTokens.bucket('owner', compositeKey(homeAccountId, env))) {
        if (r.entry.client_id.toLowerCase() === clientId.toLowerCase()) return true;
      }
    }
    return false;
  }

  /**
   * Gives an RT a new secret (a refresh returned a rotated one), as MSAL Python's
   * update_rt: the entry keeps its other fields and moves to the key its fields
   * give, wherever it was stored; it is written even when it was removed
   * meanwhile. Returns the stored entry.
   */
  updateRefreshToken(entry: RefreshTokenEntry, newSecret: string, now = Math.trunc(Date.now() / 1000)): RefreshTokenEntry {
    const updated = this.rewriteRefreshToken(entry, { secret: newSecret, last_modification_time: String(now) });
    this.emit('update');
    return updated;
  }

  private rotateRefreshToken(old: RefreshTokenEntry, fresh: RefreshTokenEntry): void {
    this.rewriteRefreshToken(old, { secret: fresh.secret, last_modification_time: fresh.last_modification_time });
  }

  private rewriteRefreshToken(old: RefreshTokenEntry, changes: { secret: string; last_modification_time: string | undefined }): RefreshTokenEntry {
    const record = this.locateRefreshToken(old);
    const current = record?.entry ?? old;
    if (record) this.refreshTokens.delete(record.key);
    const { last_modification_time, ...rest } = { ...current, ...changes };
    const updated: RefreshTokenEntry = last_modification_time === undefined ? rest : { ...rest, last_modification_time };
    return this.refreshTokens.put(cacheKey('RefreshToken', updated), updated);
  }

  /** Removes a refresh token found by findRefreshTokens(); false when it was already gone. */
  removeRefreshToken(entry: RefreshTokenEntry): boolean {
    const record = this.locateRefreshToken(entry);
    return record ? this.removed(this.refreshTokens.delete(record.key)) : false;
  }

  /** Removes an access token found by findAccessToken(); false when it was already gone. */
  removeAccessToken(entry: AccessTokenEntry): boolean {
    let record = this.accessTokens.recordOf(entry);
    if (!record) {
      // A copy: find the stored twin through the index.
      for (const r of this.accessTokens.bucket('lookup', this.accessTokens.indexKey('lookup', entry))) {
        if (r.entry.secret === entry.secret && r.entry.target === entry.target) record = r;
      }
    }
    return record ? this.removed(this.accessTokens.delete(record.key)) : false;
  }

  /**
   * Signs an account out: its ATs, id tokens and account entries on these
   * environments, and its RTs (with clientId: only that client's and its FOCI
   * family's, as MSAL Python does, so other apps sharing the cache keep SSO).
   */
  removeAccount(homeAccountId: string, environments: readonly string[], clientId?: string): number {
    let count = 0;
    const familyId = clientId === undefined ? undefined : this.getAppMetadata(environments, clientId)?.family_id;
    for (const env of environments) {
      const owner = compositeKey(homeAccountId, env);
      for (const r of this.accessTokens.bucket('owner', owner)) count += Number(this.accessTokens.delete(r.key));
      for (const r of this.idTokens.bucket('owner', owner)) count += Number(this.idTokens.delete(r.key));
      for (const r of this.accounts.bucket('owner', owner)) count += Number(this.accounts.delete(r.key));
      for (const r of this.refreshTokens.bucket('owner', owner)) {
        const mine =
          clientId === undefined ||
          r.entry.client_id.toLowerCase() === clientId.toLowerCase() ||
          (familyId !== undefined && r.entry.family_id === familyId);
        if (mine) count += Number(this.refreshTokens.delete(r.key));
      }
    }
    if (count) this.emit('remove');
    return count;
  }

  /** Removes the app-only (client credentials) ATs of a client. */
  removeAppTokens(clientId: string, environments?: readonly string[]): number {
    const envs = environments ? new Set(environments.map((e) => e.toLowerCase())) : undefined;
    let count = 0;
    for (const r of this.accessTokens.bucket('appOnly', compositeKey(clientId))) {
      if (envs && !envs.has(r.entry.environment.toLowerCase())) continue;
      count += Number(this.accessTokens.delete(r.key));
    }
    if (count) this.emit('remove');
    return count;
  }

  /** Removes everything, unknown content kept for round trips included. */
  clear(): void {
    for (const s of [this.accessTokens, this.refreshTokens, this.idTokens, this.accounts, this.appMetadata]) s.clear();
    this.clearExtra();
    this.emit('clear');
  }

  /** @internal Hook for subclasses that hold more than the five sections. */
  protected clearExtra(): void {}

  private removed(did: boolean): boolean {
    if (did) this.emit('remove');
    return did;
  }

  private locateRefreshToken(entry: RefreshTokenEntry): StoredRecord<RefreshTokenEntry> | undefined {
    const own = this.refreshTokens.recordOf(entry);
    if (own) return own;
    for (const r of this.refreshTokens.bucket('client', this.refreshTokens.indexKey('client', entry))) {
      if (r.entry.secret === entry.secret) return r;
    }
    return undefined;
  }
}

/** The event with every secret masked, for verbose (PII) logs: what was cached, never the tokens. */
function describeEvent(event: CacheAddEvent): string {
  const masked = (o: Readonly<Record<string, unknown>> | undefined, secret: ReadonlySet<string>) =>
    o && Object.fromEntries(Object.entries(o).map(([k, v]) => [k, secret.has(k) && v !== undefined ? '********' : v]));
  const { response, data, idTokenClaims, replacesRefreshToken, ...rest } = event;
  try {
    return JSON.stringify({
      ...rest,
      response: masked(response, RESPONSE_SECRETS),
      ...(data ? { data: masked(data, DATA_SECRETS) } : {}),
      ...(replacesRefreshToken ? { replacesRefreshToken: '********' } : {}),
    });
  } catch {
    // A reply member nested thousands deep (JSON.stringify's RangeError) must not fail the add over a log line.
    return '(a reply too deeply nested to describe)';
  }
}

const RESPONSE_SECRETS: ReadonlySet<string> = new Set(['access_token', 'refresh_token', 'id_token', 'id_token_claims', 'client_info', 'username']);
/** Request parameters that may hold secrets or claims (client_claims only partitions the cache, claims goes on the wire). */
const DATA_SECRETS: ReadonlySet<string> = new Set(['password', 'client_secret', 'refresh_token', 'assertion', 'client_assertion', 'claims', 'client_claims', 'code', 'code_verifier', 'device_code']);
