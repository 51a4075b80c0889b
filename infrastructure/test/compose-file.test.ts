/**
 * docker-compose.yml against the Compose specification's JSON schema (vendored in
 * infrastructure/docker/compose-spec/), and its variables against .env.example.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { allVariableUses, interpolate, loadComposeFile, parseComposeText, type Json } from './support/compose';
import { parseKeyValueLines, readRepoFile } from './support/repo';

function composeSchemaValidator(): ValidateFunction {
  const schema = JSON.parse(readRepoFile('infrastructure/docker/compose-spec/compose-spec.json')) as Record<
    string,
    unknown
  >;
  // The schema names its draft as https://json-schema.org/draft-07/schema, which Ajv knows under
  // its canonical http://…# id; draft-07 is Ajv's default, so the reference is dropped, not changed.
  // The schema is not written for Ajv's strictTypes (e.g. additionalProperties beside a oneOf branch
  // without "type"), which is a lint of the schema, not of the document: off, the rest stays strict.
  delete schema['$schema'];
  return new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, strictTypes: false }).compile(schema);
}

describe('docker-compose.yml', () => {
  const validate = composeSchemaValidator();

  it('when validated against the Compose specification schema, then it conforms', () => {
    const { compose } = loadComposeFile();

    const valid = validate(compose);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('when a service carries a key the specification does not know, then the schema rejects it', () => {
    const broken = parseComposeText(
      'services:\n  web:\n    image: nginx:1.27\n    helthcheck:\n      test: [CMD, "true"]\n',
    );

    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((error) => error.params)).toContainEqual({ additionalProperty: 'helthcheck' });
  });

  it('when a depends_on condition is misspelt, then the schema rejects it', () => {
    const broken = parseComposeText(
      'services:\n  a:\n    image: x:1\n    depends_on:\n      b:\n        condition: service_ready\n  b:\n    image: x:1\n',
    );

    expect(validate(broken)).toBe(false);
  });
});

describe('docker-compose.yml variables', () => {
  const { raw } = loadComposeFile();
  const uses = allVariableUses(raw as Json);
  const example = parseKeyValueLines(readRepoFile('.env.example'));

  it('when the file is read without a .env, then every variable has a default and none is required', () => {
    const withoutDefault = uses.filter((use) => use.fallback === undefined || use.required).map((use) => use.name);

    expect(withoutDefault).toEqual([]);
  });

  it('when a variable is used with a default in several places, then the defaults agree', () => {
    const defaults = new Map<string, Set<string>>();
    for (const use of uses) defaults.set(use.name, (defaults.get(use.name) ?? new Set()).add(use.fallback ?? ''));

    const conflicting = [...defaults].filter(([, values]) => values.size > 1).map(([name]) => name);

    expect(conflicting).toEqual([]);
  });

  it('when compared with .env.example, then it lists exactly the variables used, each with the default', () => {
    const used = new Map(uses.map((use) => [use.name, use.fallback ?? '']));

    expect([...example.keys()].sort()).toEqual([...used.keys()].sort());
    for (const [name, fallback] of used) expect({ name, value: example.get(name) }).toEqual({ name, value: fallback });
  });

  it('when .env overrides a variable, then the override wins over the default', () => {
    expect(interpolate('${GATEWAY_PUBLISHED_PORT:-8080}', { GATEWAY_PUBLISHED_PORT: '18080' })).toBe('18080');
    expect(interpolate('${GATEWAY_PUBLISHED_PORT:-8080}', { GATEWAY_PUBLISHED_PORT: '' })).toBe('8080');
    expect(interpolate('${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}', {})).toBe('-Xms256m -Xmx768m');
    expect(interpolate('MYSQL_PWD="$$ORDER_DB_PASSWORD"', {})).toBe('MYSQL_PWD="$ORDER_DB_PASSWORD"');
    expect(() => interpolate('${NEEDED:?set it}', {})).toThrow('NEEDED');
  });
});
