/**
 * Whether a process with this pid exists (on this machine). Anything that is not a real pid is not
 * alive: a lock file whose owner died before writing its pid parses to undefined, and kill(0 or -n)
 * would probe a whole process group and answer "alive".
 */
export function isProcessAlive(pid: number | undefined): boolean {
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
