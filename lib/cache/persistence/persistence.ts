/**
 * Where a token cache blob lives between processes. Implementations are
 * file-based (plaintext or encrypted), so one lock-file convention and one
 * change detector serve them all.
 */
export interface Persistence {
  /** The stored blob, or undefined when nothing was stored yet. Throws CacheCorruptError when it cannot be read back at all. */
  load(): Promise<string | undefined>;
  /** Replaces the blob in one step: a reader sees the old or the new text, never a mix. */
  save(text: string): Promise<void>;
  /** Cheap change detector (file identity, size and mtime); undefined when nothing is stored. */
  stamp(): Promise<string | undefined>;
  /** Where the blob lives, for messages. */
  describe(): string;
  /** The MSAL-convention lock file (`<cache path>.lockfile`) writers hold while they save. */
  readonly lockPath: string;
  /** Moves the stored blob aside so nothing is lost when it is replaced by a repaired one; returns where it went. */
  quarantine(): Promise<string | undefined>;
  /** Called under the lock after taking over the lock of a writer that died: removes what its interrupted save left. */
  recoverAfterCrash(): Promise<void>;
}
