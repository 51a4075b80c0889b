import './support/esm-dependencies';
import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { PUBLIC_ROUTES } from '../src/upstreams/route-table';
import { createGateway, type GatewayUnderTest } from './support/gateway';
import { documentedOperations, SPEC_PATH } from './support/openapi-contract';

describe('gateway /openapi.json and /docs', () => {
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    gateway = await createGateway({ OPENAPI_SPEC_PATH: SPEC_PATH });
  });

  afterAll(() => gateway.close());

  it('when /openapi.json is fetched, then it is a valid OpenAPI 3.1 document', async () => {
    const response = await request(gateway.app).get('/openapi.json');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.openapi).toMatch(/^3\.1\./);
    await expect(SwaggerParser.validate(structuredClone(response.body))).resolves.toBeDefined();
  });

  it('when the spec is compared with the route table, then every public route is documented and nothing else', () => {
    const documented = documentedOperations().sort();
    const routed = PUBLIC_ROUTES.filter(({ route }) => !route.template.endsWith('/*'))
      .flatMap(({ methods, route }) =>
        (methods === 'any' ? documentedMethodsOf(route.template) : methods.split(', ')).map(
          (method) => `${method} ${route.template.replace(/:(\w+)/g, '{$1}')}`,
        ),
      )
      .sort();

    expect(documented).toEqual(routed);
    expect(documented.some((operation) => operation.includes('/internal'))).toBe(false);
  });

  it('when /docs is opened, then it is Swagger UI pointing at /openapi.json, with no inline script', async () => {
    const response = await request(gateway.app).get('/docs');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<div id="swagger-ui"></div>');
    expect(response.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(response.text).not.toMatch(/https?:\/\//); // no CDN
    const initializer = await request(gateway.app).get('/docs/swagger-initializer.js');
    expect(initializer.text).toContain("url: '/openapi.json'");
  });

  it('when the page loads its scripts and styles, then each is served locally with 200 under a CSP that allows it', async () => {
    const page = await request(gateway.app).get('/docs');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);

    const responses = await Promise.all(assets.map((asset) => request(gateway.app).get(asset)));

    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']));
    const served = responses.map((response, index) => ({ asset: assets[index]!, response }));
    expect(served.map(({ asset, response }) => [asset, response.status])).toEqual(assets.map((asset) => [asset, 200]));
    expect(served.find(({ asset }) => asset.endsWith('.js'))!.response.headers['content-type']).toMatch(/javascript/);
    expect(served.find(({ asset }) => asset.endsWith('.css'))!.response.headers['content-type']).toMatch(/^text\/css/);
    const policy = page.headers['content-security-policy'] as string;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('unsafe-eval');
  });

  it('when a file of the package that the page does not use is asked for, then 404', async () => {
    expect((await request(gateway.app).get('/docs/package.json')).status).toBe(404);
    expect((await request(gateway.app).get('/docs/..%2Fpackage.json')).status).toBe(404);
  });
});

/** For routes that take any method (everything under /products): the methods the spec lists there. */
function documentedMethodsOf(template: string): string[] {
  const specPath = template.replace(/:(\w+)/g, '{$1}');
  return documentedOperations()
    .filter((operation) => operation.endsWith(` ${specPath}`))
    .map((operation) => operation.split(' ')[0]!);
}
