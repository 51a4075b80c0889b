/**
 * Pins the third-party images the repository names (Compose, CloudFormation, Dockerfiles) to the
 * digests their tags point to now: each distinct reference is resolved once, and a file is
 * rewritten only on the lines whose reference was resolved. References that already carry a digest
 * are left alone (to move one to a new release, write the new tag without a digest and run again).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pinnedReference, type ImageReference } from './image-reference';
import { findImageSites, pinStyleOf, rewriteSites, type ImageSite } from './image-sites';

/** The files that name third-party images, relative to the repository root. */
export function imageFiles(root: string): string[] {
  const inDir = (dir: string, keep: (name: string) => boolean) =>
    existsSync(path.join(root, dir))
      ? readdirSync(path.join(root, dir))
          .filter(keep)
          .sort()
          .map((name) => `${dir}/${name}`)
      : [];
  const services = inDir('services', () => true).map((dir) => `${dir}/Dockerfile`);
  return [
    'docker-compose.yml',
    ...inDir('aws/cloudformation', (name) => name.endsWith('.yaml')),
    'gateway/Dockerfile',
    ...services,
  ].filter((file) => existsSync(path.join(root, file)));
}

export interface PinOutcome {
  readonly site: ImageSite;
  /** The digest now written (absent when the reference was pinned already or could not be resolved). */
  readonly digest?: string;
  readonly error?: string;
}

export interface PinOptions {
  readonly root: string;
  readonly files: readonly string[];
  /** Absent: only report (`--check`), resolve nothing, write nothing. */
  readonly resolve?: (reference: ImageReference) => Promise<string>;
}

export async function pinImages({ root, files, resolve }: PinOptions): Promise<PinOutcome[]> {
  const resolved = new Map<string, Promise<string>>();
  const outcomes: PinOutcome[] = [];
  for (const file of files) {
    const content = readFileSync(path.join(root, file), 'utf8');
    const sites = findImageSites(file, content);
    const fileOutcomes: PinOutcome[] = [];
    for (const site of sites) {
      if (site.reference.digest !== undefined || resolve === undefined) {
        fileOutcomes.push({ site });
        continue;
      }
      if (!resolved.has(site.text)) resolved.set(site.text, resolve(site.reference));
      fileOutcomes.push(
        await resolved.get(site.text)!.then(
          (digest) => ({ site, digest }),
          (error: Error) => ({ site, error: error.message }),
        ),
      );
    }
    const pins = fileOutcomes
      .filter((outcome) => outcome.digest !== undefined)
      .map(({ site, digest }) => ({ site, pinned: pinnedReference(site.reference, digest!, pinStyleOf(site.kind)) }));
    if (pins.length > 0) writeFileSync(path.join(root, file), rewriteSites(content, pins));
    outcomes.push(...fileOutcomes);
  }
  return outcomes;
}

export function describeOutcome({ site, digest, error }: PinOutcome): string {
  const where = `${site.file}:${site.line} ${site.text}`;
  if (error !== undefined) return `${where}: not pinned (${error})`;
  if (digest !== undefined) return `${where}: pinned to ${digest}`;
  return site.reference.digest !== undefined ? `${where}: pinned already` : `${where}: NOT pinned`;
}
