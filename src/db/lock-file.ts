import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

/** Another live process holds the embedded database folder. */
export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError';
}

/**
 * Takes an exclusive lock on an embedded database folder: a file holding our pid, created with O_EXCL.
 * PGlite has no lock of its own, and two processes on one folder silently lose writes.
 * A lock left by a process that no longer runs is taken over.
 * @returns a function that releases the lock (idempotent).
 */
export function acquireLockFile(path: string, folderForMessage: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        if (readPid(path) === process.pid) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readPid(path);
    if (owner !== null && owner !== process.pid && isAlive(owner)) {
      throw new DataFolderLockedError(
        `the embedded database in ${folderForMessage} is in use by process ${owner}; ` +
          'stop that process, or give this one another database.url (PGlite serves one process at a time)',
      );
    }
    if (owner === process.pid) {
      throw new DataFolderLockedError(`the embedded database in ${folderForMessage} is already open in this process`);
    }
    // Stale: the owner is gone (or the file is unreadable). Remove it and try once more.
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new DataFolderLockedError(`could not lock ${folderForMessage}: another process took it at the same moment`);
}

/**
 * Adds the URL a server listens on to the lock it holds (`<pid>\n<url>\n`), so the operator CLI, finding the folder
 * locked, can go through that server (even one started on a random port). Written beside and renamed over the lock,
 * so no reader ever sees it empty (which would look like a stale lock). Does nothing unless this process holds it.
 */
export function recordServerUrl(path: string, url: string): void {
  if (readPid(path) !== process.pid) return;
  const next = `${path}.${process.pid}.tmp`;
  writeFileSync(next, `${process.pid}\n${url}\n`, { mode: 0o600 });
  renameSync(next, path);
}

/** The URL the process holding this lock listens on, if it is alive and recorded one. */
export function lockHolderUrl(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const [pidLine, url] = text.split('\n');
  const pid = Number.parseInt(pidLine ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !url || !/^https?:\/\//.test(url)) return null;
  return url;
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
