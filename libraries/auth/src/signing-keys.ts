import { randomBytes } from 'node:crypto';
import { exportPKCS8, exportSPKI, generateKeyPair } from './jose.loader';

/** What signs tokens: a shared secret (HS256, local and test systems) or an RSA private key (RS256, deployments). */
export type SigningKey =
  | { readonly algorithm: 'HS256'; readonly secret: string }
  | { readonly algorithm: 'RS256'; readonly privateKeyPem: string };

/** The shortest HS256 secret the gateway accepts (AUTH_HS256_SECRET); `generateSigningSecret` makes 43. */
export const MIN_HS256_SECRET_LENGTH = 32;

/** A fresh HS256 secret: 32 random bytes, base64url (43 characters). */
export function generateSigningSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A fresh RS256 key pair as PEM: the private key (PKCS#8) signs, the public key (SPKI) goes to the gateway. */
export async function generateRsaKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}
