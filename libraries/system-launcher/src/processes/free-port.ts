/**
 * Ports for processes that are launched later: a port is chosen now and bound by a child a few
 * seconds on, so "free right now" is not enough. Two things can take it in between (CI once saw a
 * test system's order-service port answered by a server without its routes):
 * - the OS, which hands out ports of its ephemeral range to `listen(0)` (supertest, other test
 *   systems' probes) and to outgoing connections. The ports here come from below that range;
 * - another launcher (jest runs test files in parallel processes). Each port is claimed by a lock
 *   file in a directory of the user's in the temporary directory, created atomically, naming the
 *   claiming process. The files go when the process exits; a claim of a process that is gone
 *   (killed before it could remove them) is taken over.
 * No library here: get-port and portfinder check "free right now" only, within one process.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Lowest port handed out; the well-known ports of the system (8080–8082, 3306, 9092…) are below. */
const FIRST_PORT = 20_000;
const ATTEMPTS = 200;
/** This process's lock files, removed when it exits. */
const held = new Set<string>();

export interface PortClaims {
  /** The directory of the lock files. */
  readonly dir: string;
  /** Ports from `first` up to (not including) `end`. */
  readonly first: number;
  readonly end: number;
}

/** A TCP port on 127.0.0.1 that nothing listens on now and that no other launcher is given. */
export function freePort(claims: PortClaims = defaultClaims()): Promise<number> {
  return claimPort(claims);
}

export function defaultClaims(): PortClaims {
  // One directory per user: another user's claims could not be taken over (nor its files removed).
  const user = process.getuid?.() ?? 'user';
  return { dir: path.join(tmpdir(), `ecom-port-claims-${user}`), first: FIRST_PORT, end: ephemeralRangeStart() };
}

async function claimPort({ dir, first, end }: PortClaims): Promise<number> {
  if (end <= first) return osPort(); // no room below the OS's range: "free right now" is all there is
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = first + Math.floor(Math.random() * (end - first));
    if (!claimLock(path.join(dir, `${port}.pid`))) continue;
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${first}–${end - 1} after ${ATTEMPTS} attempts (claims in ${dir})`);
}

/** Creates the lock file, or takes it over when the process that made it is gone. */
function claimLock(file: string): boolean {
  if (createLock(file)) return true;
  if (isAlive(readOwner(file))) return false;
  return takeOver(file);
}

function createLock(file: string): boolean {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    holdUntilExit(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Replaces a stale claim. Two launchers may both find it stale; a directory made next to it
 * (mkdir is atomic) lets one of them at a time look again and replace it, so the second one sees
 * the first one's claim, alive, and does not remove it.
 */
function takeOver(file: string): boolean {
  const guard = `${file}.takeover`;
  try {
    mkdirSync(guard);
  } catch {
    return false; // another launcher is taking it over (or died doing so): another port, then
  }
  try {
    if (isAlive(readOwner(file))) return false;
    removeFile(file);
    return createLock(file);
  } finally {
    rmdirSync(guard);
  }
}

function holdUntilExit(file: string): void {
  if (held.size === 0) process.once('exit', () => held.forEach(removeFile));
  held.add(file);
}

function readOwner(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8')) || undefined;
  } catch {
    return undefined; // removed meanwhile: treated as stale, and the next attempt creates it
  }
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // another launcher removed it first; the next attempt decides
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The first port of Linux's ephemeral range (32768 when it cannot be read). */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768;
  }
}
