import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadOpenApiDocument } from '../../src/http/api-docs.routes';

export const SPEC_PATH = path.resolve(__dirname, '../../../docs/api/openapi.yaml');

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const SPEC_ID = 'https://ecom-platform.local/openapi.json';
const spec = loadOpenApiDocument(SPEC_PATH) as OpenApiDocument;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec as object, SPEC_ID);

export interface ResponseLike {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * Problems of `response` against the spec's description of `method path` (path as templated in
 * the spec, e.g. `/products/{id}`): the status must be documented, and a JSON body must match its
 * schema. Returns an empty list when the response conforms.
 */
export function contractViolations(method: string, specPath: string, response: ResponseLike): string[] {
  const operation = spec.paths[specPath]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${specPath} is not in the spec`];
  const documented = operation.responses[String(response.status)];
  if (!documented) return [`${method} ${specPath} does not document status ${response.status}`];
  const described = resolveResponse(documented);
  const content = described.content?.['application/json'];
  if (!content) return response.body && Object.keys(response.body).length > 0 ? ['body not documented'] : [];
  const pointer = schemaPointer(method, specPath, String(response.status), documented.$ref);
  const validate = ajv.getSchema(`${SPEC_ID}#${pointer}`);
  if (!validate) return [`no schema at ${pointer}`];
  if (validate(response.body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

function resolveResponse(documented: Operation['responses'][string]): Operation['responses'][string] {
  if (!documented.$ref) return documented;
  const name = documented.$ref.split('/').pop()!;
  const components = (spec as unknown as { components: { responses: Record<string, Operation['responses'][string]> } })
    .components;
  return components.responses[name]!;
}

function schemaPointer(method: string, specPath: string, status: string, responseRef: string | undefined): string {
  const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
  const base = responseRef
    ? responseRef.slice(1)
    : `/paths/${escape(specPath)}/${method.toLowerCase()}/responses/${status}`;
  return `${base}/content/application~1json/schema`;
}

/** Every (method, path) the spec documents, e.g. `GET /orders/{id}`. */
export function documentedOperations(): string[] {
  return Object.entries(spec.paths).flatMap(([specPath, item]) =>
    Object.keys(item)
      .filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
      .map((method) => `${method.toUpperCase()} ${specPath}`),
  );
}
