import { parseScriptOutcome } from '@ecom/system-launcher';

describe('parseScriptOutcome (the answer of mysql.sh / kafka.sh start)', () => {
  it.each(['started', 'running', 'external'] as const)(
    'when the last word is "%s", then that is the outcome',
    (word) => {
      expect(parseScriptOutcome(`some progress that leaked to stdout\n${word}\n`)).toBe(word);
    },
  );

  it('when the output ends in anything else, then it fails naming what it got', () => {
    expect(() => parseScriptOutcome('started\nready after 3s\n')).toThrow(/"started\\nready after 3s"/);
    expect(() => parseScriptOutcome('')).toThrow(/not one of started\/running\/external/);
  });
});
