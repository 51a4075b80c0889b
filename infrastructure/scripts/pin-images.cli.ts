/**
 * npm run images:pin              resolve every third-party image tag without a digest and write
 *                                 `name:tag@sha256:…` (Compose, Dockerfiles) or `name@sha256:…`
 *                                 (CloudFormation, the form ECS documents) in place
 * npm run images:pin -- --check   list the references and whether they are pinned; exit 1 if not
 *
 * Needs the registries' HTTP APIs (Docker Hub, public.ecr.aws). Exits 1 when a reference could
 * not be resolved; the lines that were resolved are written all the same.
 */
import path from 'node:path';
import { describeOutcome, imageFiles, pinImages } from './images/pin-images';
import { resolveDigest } from './images/registry-digest';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const root = path.resolve(__dirname, '../..');
  const outcomes = await pinImages({ root, files: imageFiles(root), ...(!check && { resolve: resolveDigest }) });
  for (const outcome of outcomes) console.log(describeOutcome(outcome));
  const failed = outcomes.filter((outcome) => outcome.error !== undefined).length;
  const unpinned = outcomes.filter((outcome) => outcome.site.reference.digest === undefined && !outcome.digest).length;
  console.error(`[images] ${outcomes.length} references, ${unpinned} without a digest, ${failed} failed to resolve`);
  return failed > 0 || (check && unpinned > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[images] ${error.message}`);
    process.exit(1);
  },
);
