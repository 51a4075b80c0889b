import { withTimeLimit } from '@ecom/service-kit/lifecycle';

/** `value` after `ms`; the timer does not keep the test's process alive once the test is over. */
const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms).unref());

describe('withTimeLimit', () => {
  it('when the work ends first, then its value is given and onLate is never called', async () => {
    const onLate = jest.fn(() => 'late');
    await expect(withTimeLimit(after(5, 'done'), 1_000, onLate)).resolves.toBe('done');
    expect(onLate).not.toHaveBeenCalled();
  });

  it('when the limit passes first, then onLate answers, or its error fails the wait', async () => {
    await expect(withTimeLimit(after(1_000, 'done'), 5, () => 'late')).resolves.toBe('late');
    await expect(
      withTimeLimit(after(1_000, 'done'), 5, () => {
        throw new Error('too slow');
      }),
    ).rejects.toThrow('too slow');
  });

  it('when the work fails, then the wait fails with its error', async () => {
    await expect(withTimeLimit(Promise.reject(new Error('broken')), 1_000, () => 'late')).rejects.toThrow('broken');
  });

  it('when the limit is infinite, then the work is awaited as it is', async () => {
    await expect(withTimeLimit(after(5, 'done'), Number.POSITIVE_INFINITY, () => 'late')).resolves.toBe('done');
  });
});
