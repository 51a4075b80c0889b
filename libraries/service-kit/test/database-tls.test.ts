/**
 * TLS to MySQL (`MYSQL_TLS`): off by default, `rds` on AWS. With `rds` the client insists on TLS
 * (a server without it is refused, never fallen back to plain TCP) and trusts the Amazon RDS
 * certificate authorities only (a server certificate signed by anyone else is refused).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import { z } from 'zod';
import { env } from '@ecom/service-kit/config';
import {
  createDatabase,
  databaseTlsOptions,
  rdsCertificateAuthorities,
  rdsRegionsInBundle,
  DATABASE_TLS_MODES,
} from '@ecom/service-kit/db';
import { serviceDatabaseAccount } from '@ecom/service-kit/testing';

const schema = z.object(env.mysqlEnv('PRODUCT_DB', { database: 'd', user: 'u', password: 'p' }));

describe('TLS to MySQL', () => {
  it('when MYSQL_TLS is unset, then it is off, and off means no TLS options', () => {
    expect(schema.parse({}).MYSQL_TLS).toBe('off');
    expect(databaseTlsOptions('off')).toBeUndefined();
    expect(databaseTlsOptions(undefined)).toBeUndefined();
  });

  it('when MYSQL_TLS names no known mode, then the configuration is refused', () => {
    expect(schema.safeParse({ MYSQL_TLS: 'on' }).success).toBe(false);
    expect(schema.shape.MYSQL_TLS.unwrap().options).toEqual([...DATABASE_TLS_MODES]);
  });

  it('when MYSQL_TLS is rds, then TLS 1.2 or later is required and the server is verified against every RDS authority', () => {
    const options = databaseTlsOptions(schema.parse({ MYSQL_TLS: 'rds' }).MYSQL_TLS);
    expect(options).toEqual(expect.objectContaining({ minVersion: 'TLSv1.2', rejectUnauthorized: true }));
    const certificates = options?.ca?.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
    expect(certificates).toHaveLength(rdsCertificateAuthorities().length);
  });

  it('when the bundle is read, then it holds the current RDS roots (rds-ca-rsa2048-g1) of the main regions', () => {
    const regions = rdsRegionsInBundle();
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1'])
      expect(regions.has(region)).toBe(true);
  });

  it('when a connection with rds TLS meets a server without TLS (the local one), then it is refused, not downgraded', async () => {
    const db = createDatabase({ ...serviceDatabaseAccount('product'), database: '', poolMax: 1, tls: 'rds' });
    try {
      await expect(db.raw('SELECT 1')).rejects.toMatchObject({ code: 'HANDSHAKE_NO_SSL_SUPPORT' });
    } finally {
      await db.destroy();
    }
  });

  describe('when a TLS server presents a certificate no RDS authority signed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecom-tls-'));
    let server: Server;
    let port = 0;

    beforeAll(async () => {
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
          ...['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
        ],
        { stdio: 'ignore' },
      );
      server = createServer(
        {
          key: readFileSync(path.join(dir, 'key.pem')),
          cert: readFileSync(path.join(dir, 'cert.pem')),
        },
        (socket) => socket.end(),
      );
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    const handshake = (ca: string | undefined) =>
      new Promise<string>((resolve) => {
        const socket = connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ...databaseTlsOptions('rds'),
          ...(ca ? { ca } : {}),
        });
        socket.once('secureConnect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });

    it('then the rds options refuse it', async () => {
      expect(await handshake(undefined)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    });

    it('then the same options with that certificate as the authority accept it (the refusal is the authority)', async () => {
      expect(await handshake(readFileSync(path.join(dir, 'cert.pem'), 'utf8'))).toBe('connected');
    });
  });
});
