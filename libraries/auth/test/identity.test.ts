import { IDENTITY_HEADERS, ROLES, userIdText } from '@ecom/auth/identity';

/** `@ecom/auth/identity`: what the gateway and the services share about a caller, without jose. */
describe('@ecom/auth/identity', () => {
  const loadingFailsOnJose = (subpath: string) => () =>
    jest.isolateModules(() => {
      jest.doMock('jose', () => {
        throw new Error('jose was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside jest.isolateModules, with jose mocked
      require(subpath);
    });

  it('when a service imports @ecom/auth/identity, then jose is not loaded (and @ecom/auth itself does load it)', () => {
    expect(loadingFailsOnJose('@ecom/auth/identity')).not.toThrow();
    expect(loadingFailsOnJose('@ecom/auth')).toThrow('jose was loaded');
  });

  it('when the names are read, then they are the roles and headers the gateway and the services agree on', () => {
    expect(ROLES).toEqual(['customer', 'admin']);
    expect(IDENTITY_HEADERS).toEqual({ userId: 'x-auth-user-id', role: 'x-auth-role' });
    expect(Object.isFrozen(IDENTITY_HEADERS)).toBe(true);
  });

  it.each([
    ['1', 1],
    ['42', 42],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('when a user id reads %p, then it is the number %p', (text, id) => {
    expect(userIdText.parse(text)).toBe(id);
  });

  it.each([
    ['0', 'must be a positive whole number'],
    ['007', 'must be a positive whole number'],
    ['-1', 'must be a positive whole number'],
    ['1e3', 'must be a positive whole number'],
    [' 7', 'must be a positive whole number'],
    ['12345678901234567', 'must be a positive whole number'],
    ['9007199254740992', 'must be at most 9007199254740991'],
  ])('when a user id reads %p, then it is refused: %s', (text, message) => {
    const parsed = userIdText.safeParse(text);

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });
});
