/**
 * CloudFormation takes a template of at most 51,200 bytes in the request, and at most 1 MB from
 * S3. The deploy tool uploads every template but the foundation's to the foundation's bucket
 * (deploy-tool-deploy.test.ts shows the --s3-bucket of each deploy): the foundation must stay
 * under the inline limit, the others under the S3 one, each with room to grow.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { STACKS, TEMPLATES_DIR, TEMPLATE_SIZE_LIMITS } from '../scripts/lib/stacks';

const sizeOf = (template: string) => statSync(path.join(TEMPLATES_DIR, template)).size;
/** Headroom kept below each limit, so the next change is not the one that breaks the deploy. */
const HEADROOM = 0.8;

describe('the templates against CloudFormation size limits', () => {
  it('when the foundation is deployed inline, then its template is under 80 % of the 51,200-byte inline limit', () => {
    const inline = STACKS.filter((stack) => stack.inline);
    expect(inline.map((stack) => stack.key)).toEqual(['foundation']);
    for (const stack of inline) expect(sizeOf(stack.template)).toBeLessThan(TEMPLATE_SIZE_LIMITS.inline * HEADROOM);
  });

  it.each(STACKS.filter((stack) => !stack.inline).map((stack) => [stack.key, stack.template]))(
    'when the %s stack is deployed from S3, then its template is under 80 % of the 1 MB limit',
    (_key, template) => {
      expect(sizeOf(template)).toBeLessThan(TEMPLATE_SIZE_LIMITS.s3 * HEADROOM);
      expect(sizeOf(template)).toBeLessThan(460_800); // the limit older API references give
    },
  );

  it("when the limits are compared with CloudFormation's, then they are its documented 51,200 bytes and 1 MB", () => {
    expect(TEMPLATE_SIZE_LIMITS).toEqual({ inline: 51_200, s3: 1_000_000 });
  });
});
