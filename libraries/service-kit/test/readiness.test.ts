import { checkReadiness } from '@ecom/service-kit/health';

describe('checkReadiness', () => {
  it('when every dependency answers, then the report is ready with each one up', async () => {
    const report = await checkReadiness({ mysql: async () => 1, kafka: async () => 1 });
    expect(report.status).toBe('ready');
    expect(report.dependencies['mysql']?.status).toBe('up');
    expect(report.dependencies['kafka']?.status).toBe('up');
  });

  it('when one dependency fails, then the report is unavailable and names its error', async () => {
    const report = await checkReadiness({
      mysql: async () => 1,
      kafka: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    });
    expect(report.status).toBe('unavailable');
    expect(report.dependencies['kafka']).toMatchObject({ status: 'down', error: 'connect ECONNREFUSED' });
  });

  it('when a dependency hangs, then its check gives up after the timeout', async () => {
    const startedAt = Date.now();
    const report = await checkReadiness({ stuck: () => new Promise(() => undefined) }, 200);
    expect(report.dependencies['stuck']).toMatchObject({ status: 'down', error: 'no answer within 200 ms' });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});
