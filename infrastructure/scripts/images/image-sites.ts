/**
 * Where the third-party images are named: Compose `image:` lines, CloudFormation image parameters'
 * `Default:` and literal `Image:` values, Dockerfile `FROM` lines. Line by line, so a rewrite
 * changes the reference and nothing else on the line or in the file.
 */
import { parseImageReference, type ImageReference, type PinStyle } from './image-reference';

export type SiteKind = 'compose' | 'cloudformation' | 'dockerfile';

export interface ImageSite {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly kind: SiteKind;
  readonly text: string;
  readonly reference: ImageReference;
}

/** The images this repository builds itself (tagged per build, never pinned by digest). */
const OWN_IMAGES = /^ecom-platform\//;

const PATTERNS: Record<SiteKind, RegExp> = {
  compose: /^(\s*image:\s*)(['"]?)([^'"\s#]+)\2(\s*(?:#.*)?)$/,
  cloudformation: /^(\s*(?:-\s+)?(?:Default|Image):\s*)(['"]?)([^'"\s#!]+)\2(\s*(?:#.*)?)$/,
  dockerfile: /^(FROM\s+(?:--platform=\S+\s+)?)()(\S+)(.*)$/i,
};

export function siteKindOf(file: string): SiteKind {
  if (/(^|\/)Dockerfile$|\.Dockerfile$/.test(file)) return 'dockerfile';
  return /(^|\/)(docker-)?compose[^/]*\.ya?ml$/.test(file) ? 'compose' : 'cloudformation';
}

/** Whether the `Default:` on line `index` belongs to a template parameter named `…Image`. */
function isImageParameterDefault(lines: readonly string[], index: number): boolean {
  for (let at = index - 1; at >= 0; at--) {
    const key = /^ {2}(\w+):\s*$/.exec(lines[at]!);
    if (key) return key[1]!.endsWith('Image');
    if (/^\S/.test(lines[at]!)) return false;
  }
  return false;
}

export function findImageSites(file: string, content: string, kind: SiteKind = siteKindOf(file)): ImageSite[] {
  const lines = content.split('\n');
  const stages = new Set<string>(['scratch']);
  const sites: ImageSite[] = [];
  lines.forEach((line, index) => {
    const match = PATTERNS[kind].exec(line);
    if (kind === 'dockerfile' && match) {
      const alias = /\sAS\s+(\S+)/i.exec(match[4]!)?.[1];
      if (alias) stages.add(alias.toLowerCase());
    }
    const text = match?.[3];
    if (text === undefined || OWN_IMAGES.test(text) || text.includes('${') || stages.has(text.toLowerCase())) return;
    if (kind === 'cloudformation' && /^\s*Default:/.test(line) && !isImageParameterDefault(lines, index)) return;
    const reference = parseImageReference(text);
    if (reference && (kind !== 'cloudformation' || reference.tag !== undefined || reference.digest !== undefined))
      sites.push({ file, line: index + 1, kind, text, reference });
  });
  return sites;
}

/** `content` with each site's reference replaced by its pinned form (other lines untouched). */
export function rewriteSites(content: string, pins: ReadonlyArray<{ site: ImageSite; pinned: string }>): string {
  const lines = content.split('\n');
  for (const { site, pinned } of pins) {
    const line = lines[site.line - 1];
    const match = line === undefined ? null : PATTERNS[site.kind].exec(line);
    if (!match || match[3] !== site.text) throw new Error(`${site.file}:${site.line} no longer names ${site.text}`);
    // A digest-only pin keeps the tag it was resolved from in a comment, for the reader.
    const note = pinned.startsWith(site.reference.name) || match[4]!.includes('#') ? '' : ` # ${site.text}`;
    lines[site.line - 1] = `${match[1]}${match[2]}${pinned}${match[2]}${match[4]}${note}`;
  }
  return lines.join('\n');
}

/** ECS documents `name@digest`; Compose and Dockerfiles keep the tag beside the digest. */
export function pinStyleOf(kind: SiteKind): PinStyle {
  return kind === 'cloudformation' ? 'digest-only' : 'tag-and-digest';
}
