import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * How long to wait for the members of a killed group to die. SIGKILL ends a process as soon as
 * it is scheduled; only one stuck in the kernel (uninterruptible I/O) takes longer.
 */
const DEATH_LIMIT_MS = 5_000;

/**
 * Kills every process of the group `pgid` with SIGKILL (an instance started as its own group
 * leader, and whatever its function started) and resolves once none of them is running. A
 * process that died but was not reaped (a zombie, whose parent died with it) counts as gone: it
 * runs nothing, and it is its new parent's to reap.
 */
export async function killGroup(pgid: number): Promise<void> {
  if (!signalGroup(pgid)) return;
  const deadline = Date.now() + DEATH_LIMIT_MS;
  while ((await running(pgid)) && Date.now() < deadline) {
    signalGroup(pgid); // a member may have forked since
    await delay(5);
  }
}

/** Sends SIGKILL to the group; false when it has no members left. */
function signalGroup(pgid: number): boolean {
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether a member of the group is still running; without /proc, whether the group has members at all. */
async function running(pgid: number): Promise<boolean> {
  if (process.platform !== 'linux') return signalGroup(pgid);
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const states = await Promise.all(pids.map((pid) => stateInGroup(pid, pgid)));
  return states.some((state) => state !== undefined && state !== 'Z' && state !== 'X');
}

/** The state letter of process `pid` if it belongs to group `pgid`. */
async function stateInGroup(pid: string, pgid: number): Promise<string | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
  // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'.
  const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(pgrp) === pgid ? state : undefined;
}
