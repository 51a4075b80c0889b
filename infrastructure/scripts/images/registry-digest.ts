/**
 * The digest a tag points to, from the registry's HTTP API (the OCI distribution spec): a HEAD of
 * the manifest with the index / manifest-list media types accepted, so the digest is the
 * multi-platform one; a 401 is answered with the anonymous Bearer token its `WWW-Authenticate`
 * header names (Docker Hub, public.ecr.aws, ghcr.io and quay.io all work this way).
 */
import { isDigest, type ImageReference } from './image-reference';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

type Fetch = typeof fetch;

/** `fetch`, with the network's own reason (ENOTFOUND, ECONNREFUSED …) in the error it throws. */
function explainingFailures(fetchImpl: Fetch): Fetch {
  return (input, init) =>
    fetchImpl(input, init).catch((error: Error & { cause?: { code?: string; message?: string } }) => {
      const reason = error.cause?.code ?? error.cause?.message ?? error.message;
      throw new Error(`${String(input)}: ${reason}`);
    });
}

/** `http` for a registry on this machine (tests, a local mirror), `https` otherwise. */
function baseUrlOf(registry: string): string {
  const local = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(registry);
  return `${local ? 'http' : 'https'}://${registry}`;
}

/** The `Bearer realm="…",service="…",scope="…"` challenge as a token URL. */
export function tokenUrlOf(challenge: string): string | undefined {
  if (!/^Bearer\s/i.test(challenge)) return undefined;
  const parameters = Object.fromEntries(
    [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]),
  );
  const { realm, ...query } = parameters;
  if (!realm) return undefined;
  const url = new URL(realm);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

async function anonymousToken(challenge: string, fetchImpl: Fetch): Promise<string> {
  const url = tokenUrlOf(challenge);
  if (!url) throw new Error(`the registry asks for credentials this tool does not have (${challenge})`);
  const response = await fetchImpl(url);
  if (!response.ok) throw new Error(`token request ${url} answered ${response.status}`);
  const body = (await response.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error(`token request ${url} returned no token`);
  return token;
}

export async function resolveDigest(reference: ImageReference, fetchWith: Fetch = fetch): Promise<string> {
  const fetchImpl = explainingFailures(fetchWith);
  if (reference.tag === undefined) throw new Error(`${reference.name} has no tag to resolve`);
  const url = `${baseUrlOf(reference.registry)}/v2/${reference.repository}/manifests/${reference.tag}`;
  const ask = (token?: string) =>
    fetchImpl(url, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_TYPES, ...(token !== undefined && { Authorization: `Bearer ${token}` }) },
    });
  let response = await ask();
  if (response.status === 401)
    response = await ask(await anonymousToken(response.headers.get('www-authenticate') ?? '', fetchImpl));
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const digest = response.headers.get('docker-content-digest');
  if (!digest || !isDigest(digest)) throw new Error(`${url} sent no sha256 Docker-Content-Digest`);
  return digest;
}
