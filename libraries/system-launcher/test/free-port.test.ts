import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultClaims, freePort } from '@ecom/system-launcher';

/** Ports above the OS's ephemeral range and the default claims: nothing else here uses them. */
/** Ports above both the OS's ephemeral range and the default claims: nothing else here uses them. */
const claimsIn = (first: number, end: number) => ({
  dir: mkdtempSync(path.join(tmpdir(), 'port-claims-')),
  first,
  end,
});

/** A process that exits at once: its pid names a claim whose owner is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePort', () => {
  it('when no range is given, then the port lies below the OS ephemeral range and its claim names this process', async () => {
    const claims = defaultClaims();
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);

    const port = await freePort();

    expect(claims.end).toBe(Number(ephemeralLow));
    expect(port).toBeGreaterThanOrEqual(claims.first);
    expect(port).toBeLessThan(claims.end);
    expect(readFileSync(path.join(claims.dir, `${port}.pid`), 'utf8')).toBe(String(process.pid));
  });

  it('when ports are claimed one after another from a small range, then none is given twice', async () => {
    const claims = claimsIn(62_100, 62_110);

    const ports = [];
    for (let i = 0; i < 10; i++) ports.push(await freePort(claims));

    expect(new Set(ports).size).toBe(10);
    await expect(freePort(claims)).rejects.toThrow(/no free port in 62100–62109/);
  });

  it('when another live process holds the claim, then the port is not given; when its owner is gone, then it is taken over', async () => {
    const live = claimsIn(62_200, 62_201);
    writeFileSync(path.join(live.dir, '62200.pid'), String(process.ppid));
    await expect(freePort(live)).rejects.toThrow(/no free port/);

    const stale = claimsIn(62_200, 62_201);
    writeFileSync(path.join(stale.dir, '62200.pid'), String(await deadPid()));
    await expect(freePort(stale)).resolves.toBe(62_200);
    expect(readFileSync(path.join(stale.dir, '62200.pid'), 'utf8')).toBe(String(process.pid));
  });

  it('when something already listens on the only port, then it is not given', async () => {
    const server = await listenOn(62_300);
    try {
      const claims = claimsIn(62_300, 62_301);
      await expect(freePort(claims)).rejects.toThrow(/no free port/);
      expect(readdirSync(claims.dir)).toEqual(['62300.pid']);
    } finally {
      server.close();
    }
  });

  it('when the range is empty, then the OS picks a port that is free now', async () => {
    const port = await freePort(claimsIn(62_000, 62_000));

    expect(port).toBeGreaterThan(0);
  });
});
