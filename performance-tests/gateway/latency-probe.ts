import { Agent, request } from 'node:http';

export interface ProbeResult {
  readonly p50Micros: number;
  readonly p99Micros: number;
}

/**
 * Latency without load: `count` requests one after the other on one kept-alive connection,
 * timed to the microsecond (autocannon's percentiles are whole milliseconds). What a hop adds
 * here is its own processing time, with no queueing behind other requests.
 */
export async function probeLatency(
  url: string,
  headers: Readonly<Record<string, string>> = {},
  count = 2_000,
  warmup = 300,
): Promise<ProbeResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let index = 0; index < warmup; index += 1) await timeOne(url, agent, headers);
    const samples: number[] = [];
    for (let index = 0; index < count; index += 1) samples.push(await timeOne(url, agent, headers));
    samples.sort((a, b) => a - b);
    const at = (share: number) => samples[Math.min(samples.length - 1, Math.floor(share * samples.length))]!;
    return { p50Micros: at(0.5), p99Micros: at(0.99) };
  } finally {
    agent.destroy();
  }
}

function timeOne(url: string, agent: Agent, headers: Readonly<Record<string, string>>): Promise<number> {
  return new Promise((resolve, reject) => {
    const startedAt = process.hrtime.bigint();
    const outgoing = request(url, { agent, headers }, (response) => {
      response.resume();
      response.once('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - startedAt) / 1_000);
      });
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}
