/**
 * Container image references (`[registry/]repository[:tag][@sha256:…]`) as Docker reads them: a
 * first path component with a dot or a colon, or `localhost`, is a registry; otherwise it is
 * Docker Hub, whose single-name images live under `library/`.
 */
export interface ImageReference {
  /** Host (and port) of the registry's HTTP API, e.g. `registry-1.docker.io`, `public.ecr.aws`. */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** The reference without its digest, as written (`mysql:8.0.44`). */
  readonly name: string;
}

const DOCKER_HUB = 'registry-1.docker.io';
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether `text` is a sha256 image digest (`sha256:` and 64 lowercase hex digits). */
export const isDigest = (text: string): boolean => DIGEST.test(text);

export function parseImageReference(text: string): ImageReference | undefined {
  const [name = '', digest, ...rest] = text.split('@');
  if (rest.length > 0 || (digest !== undefined && !isDigest(digest)) || !/^[\w.:/-]+$/.test(name)) return undefined;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const path = tag === undefined ? name : name.slice(0, colon);
  const [first = '', ...others] = path.split('/');
  const hasRegistry = others.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : DOCKER_HUB;
  const repository = hasRegistry ? others.join('/') : others.length > 0 ? path : `library/${path}`;
  if (repository === '' || (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))) return undefined;
  return { registry, repository, name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/**
 * The reference pinned to `digest`: `name:tag@digest` keeps the tag for the reader (Docker then
 * pulls by digest); `digest-only` writes `name@digest`, the form ECS task definitions document.
 */
export function pinnedReference(reference: ImageReference, digest: string, style: PinStyle): string {
  if (!DIGEST.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
  const withoutTag = reference.tag === undefined ? reference.name : reference.name.slice(0, -reference.tag.length - 1);
  return style === 'digest-only' ? `${withoutTag}@${digest}` : `${reference.name}@${digest}`;
}

export type PinStyle = 'tag-and-digest' | 'digest-only';
