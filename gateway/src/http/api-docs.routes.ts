import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { parse } from 'yaml';
import { docsSecurityHeaders } from './security.middleware';

/** Swagger UI's files, served from the installed swagger-ui-dist package (no CDN). */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_ASSETS = new Set([
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

/** Reads the OpenAPI document (YAML) once; a missing or broken file stops the gateway at start. */
export function loadOpenApiDocument(specPath: string): unknown {
  return parse(readFileSync(specPath, 'utf8')) as unknown;
}

/**
 * `GET /openapi.json`: the public API's description (docs/api/openapi.yaml, as JSON).
 * `GET /docs`: Swagger UI on that document. The page has no inline script (its start-up code is
 * `/docs/swagger-initializer.js`), so it runs under a strict Content-Security-Policy.
 */
export function apiDocsRoutes(specPath: string): Router {
  const specJson = JSON.stringify(loadOpenApiDocument(specPath));
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(specJson);
  });
  router.use('/docs', docsSecurityHeaders());
  router.get(['/docs', '/docs/'], (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  router.get('/docs/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(INITIALIZER);
  });
  router.get('/docs/:asset', (req, res, next) => {
    const asset = req.params.asset;
    if (!SWAGGER_UI_ASSETS.has(asset)) return next();
    res.sendFile(asset, { root: SWAGGER_UI_DIR, maxAge: '1h' });
  });
  return router;
}

const DOCS_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>ecom-platform API</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="/docs/index.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;
