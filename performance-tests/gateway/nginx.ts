import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../runner/processes';

const NGINX = '/usr/sbin/nginx';

export interface RunningNginx {
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Installs nginx from Debian's packages when it is missing (needs root, like `apt-get` always does). */
export function ensureNginxInstalled(say: (line: string) => void): void {
  if (existsSync(NGINX)) return;
  say('nginx is not installed: apt-get install nginx (Debian package)');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (install().status !== 0) throw new Error('apt-get install nginx failed (run as root on Debian)');
  }
}

/**
 * Starts nginx in the foreground as a reverse proxy to `upstreamUrl`, with a configuration, pid
 * file, logs and temp directories of its own under `dir`, and a keep-alive pool to the upstream
 * (the same shape as the gateway: HTTP/1.1, pooled connections, X-Forwarded-For, an access log).
 */
export async function startNginx(upstreamUrl: string, dir: string, workers: number): Promise<RunningNginx> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755); // the workers run as an unprivileged user and need to reach their temp dirs
  const port = await freePort();
  const upstream = new URL(upstreamUrl);
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig({ dir, port, upstream: upstream.host, workers }));
  const log = openSync(path.join(dir, 'nginx.out'), 'a');
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(url, child.pid!);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGQUIT');
      await exited;
    },
  };
}

function nginxConfig(settings: { dir: string; port: number; upstream: string; workers: number }): string {
  const { dir, port, upstream, workers } = settings;
  return `daemon off;
master_process on;
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log combined buffer=64k flush=1s;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
  upstream hello { server ${upstream}; keepalive 64; keepalive_requests 100000; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://hello;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Request-Id $request_id;
    }
  }
}
`;
}

async function waitUntilAnswering(url: string, pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`nginx (pid ${pid}) did not answer on ${url}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
