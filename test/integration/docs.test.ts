import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { REQUIRED_SCOPES } from '../../src/access/index.js';
import { useTestApp } from '../helpers/use-test-app.js';
import { bearer, clientWithToken } from '../helpers/oauth.js';

const t = useTestApp();

type Operation = { security: unknown[]; 'x-required-scopes'?: string[]; responses: Record<string, unknown> };

describe('/openapi.json', () => {
  it('is the checked-in document, and valid OpenAPI 3.1', async () => {
    const response = await t.app.fetch('/openapi.json');
    expect(response.status).toBe(200);
    const served = await response.json();
    expect(served).toEqual(JSON.parse(readFileSync(new URL('../../schema/openapi.json', import.meta.url), 'utf8')));
    const validator = new Validator();
    expect(await validator.validate(served as Parameters<Validator['validate']>[0])).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });

  it('describes every REST route, its scopes and its error responses', async () => {
    const doc = (await (await t.app.fetch('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    );
    expect(operations.map(([name]) => name).sort()).toEqual(
      [
        'POST /api/v1/oauth/token',
        'POST /api/v1/oauth/introspect',
        'POST /api/v1/oauth/revoke',
        'POST /api/v1/oauth/client',
        'GET /api/v1/oauth/client',
        'GET /api/v1/oauth/client/{client_id}',
        'PUT /api/v1/oauth/client/{client_id}',
        'DELETE /api/v1/oauth/client/{client_id}',
        'POST /api/v1/oauth/client/{client_id}/secret',
        'POST /api/v1/oauth/client/{client_id}/revoke',
        'GET /api/v1/oauth/client/{client_id}/scope',
        'PUT /api/v1/oauth/client/{client_id}/scope',
        'GET /api/v1/oauth/scope',
        'GET /api/v1/oauth/role',
        'GET /api/v1/dsr/policy',
        'PATCH /api/v1/dsr/policy',
        'GET /api/v1/dsr/policy/{policy_key}',
        'DELETE /api/v1/dsr/policy/{policy_key}',
        'GET /api/v1/dsr/policy/{policy_key}/rule',
        'PATCH /api/v1/dsr/policy/{policy_key}/rule',
        'GET /api/v1/dsr/policy/{policy_key}/rule/{rule_key}',
        'DELETE /api/v1/dsr/policy/{policy_key}/rule/{rule_key}',
        'GET /',
        'GET /api/v1/oauth/audit',
        'GET /api/v1/oauth/keys',
        'POST /api/v1/oauth/keys',
        'GET /api/v1/dsr/policy/{policy_key}/rule/{rule_key}/target',
        'PATCH /api/v1/dsr/policy/{policy_key}/rule/{rule_key}/target',
        'GET /api/v1/dsr/policy/{policy_key}/rule/{rule_key}/target/{rule_target_key}',
        'DELETE /api/v1/dsr/policy/{policy_key}/rule/{rule_key}/target/{rule_target_key}',
        'GET /.well-known/jwks.json',
        'GET /.well-known/oauth-authorization-server',
      ].sort(),
    );
    const scopes = Object.fromEntries(operations.map(([name, op]) => [name, op['x-required-scopes']]));
    expect(scopes['POST /api/v1/oauth/client']).toEqual(REQUIRED_SCOPES.createClient);
    expect(scopes['DELETE /api/v1/oauth/client/{client_id}']).toEqual(REQUIRED_SCOPES.deleteClient);
    expect(scopes['POST /api/v1/oauth/client/{client_id}/revoke']).toEqual(REQUIRED_SCOPES.revokeClientTokens);
    expect(scopes['PUT /api/v1/oauth/client/{client_id}/scope']).toEqual(REQUIRED_SCOPES.updateClient);
    expect(scopes['GET /api/v1/oauth/scope']).toEqual(REQUIRED_SCOPES.readScopes);
    expect(scopes['GET /api/v1/oauth/audit']).toEqual(REQUIRED_SCOPES.readAudit);
    expect(scopes['GET /api/v1/oauth/role']).toEqual(REQUIRED_SCOPES.readRoles);
    // The signing keys are the root client's alone: no scope opens them.
    expect(scopes['GET /api/v1/oauth/keys']).toEqual([]);
    expect(operations.find(([name]) => name === 'POST /api/v1/oauth/keys')![1].responses['403']).toMatchObject({
      content: {
        'application/json': {
          examples: { 'not root': { value: { detail: 'Only the root client may manage the signing keys.' } } },
        },
      },
    });
    expect(scopes['PATCH /api/v1/dsr/policy/{policy_key}/rule']).toEqual(REQUIRED_SCOPES.upsertRule);
    expect(scopes['PATCH /api/v1/dsr/policy/{policy_key}/rule/{rule_key}/target']).toEqual(
      REQUIRED_SCOPES.upsertRuleTarget,
    );
    expect(scopes['DELETE /api/v1/dsr/policy/{policy_key}/rule/{rule_key}/target/{rule_target_key}']).toEqual(
      REQUIRED_SCOPES.deleteRuleTarget,
    );
    for (const [name, op] of operations) {
      expect(Object.keys(op.responses), name).toContain('500');
      if (op['x-required-scopes']) {
        expect(op.security, name).toEqual([{ bearerAuth: [] }, { clientCredentials: op['x-required-scopes'] }]);
        expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
  });
});

describe('/docs', () => {
  it('serves Swagger UI from the installed package, with no external asset', async () => {
    const page = await t.app.fetch('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url);
    const version = (
      JSON.parse(readFileSync(new URL('../../node_modules/swagger-ui-dist/package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(assets).toEqual([
      `/docs/${version}/swagger-ui.css`,
      `/docs/${version}/swagger-ui-bundle.js`,
      '/docs/init.js',
    ]);
    expect(html).not.toMatch(/<script>/);
    for (const asset of assets) {
      const response = await t.app.fetch(asset!);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
    expect(await (await t.app.fetch('/docs/init.js')).text()).toContain("url: '/openapi.json'");
  });

  it('serves the static assets compressed, cached for good under their version, and revalidated by ETag', async () => {
    const html = await (await t.app.fetch('/docs')).text();
    const bundle = /src="([^"]+swagger-ui-bundle\.js)"/.exec(html)![1]!;
    const plain = await t.app.fetch(bundle);
    const size = (await plain.arrayBuffer()).byteLength;
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const encoding of ['br', 'gzip'] as const) {
      const packed = await t.app.fetch(bundle, { headers: { 'Accept-Encoding': `${encoding}, deflate` } });
      expect(packed.status).toBe(200);
      expect(packed.headers.get('content-encoding')).toBe(encoding);
      expect(packed.headers.get('vary')).toContain('Accept-Encoding');
      const body = Buffer.from(await packed.arrayBuffer());
      expect(body.byteLength).toBeLessThan(size / 2);
      const unpacked = encoding === 'br' ? brotliDecompressSync(body) : gunzipSync(body);
      expect(unpacked.byteLength).toBe(size);
    }
    const etag = plain.headers.get('etag')!;
    const again = await t.app.fetch(bundle, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const graphiql = await t.app.fetch('/graphql', { headers: { Accept: 'text/html', 'Accept-Encoding': 'br' } });
    expect(graphiql.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await graphiql.arrayBuffer())).toString()).toContain(
      '<title>Gatehouse GraphiQL</title>',
    );
  });
});

describe('the examples in /openapi.json', () => {
  type Media = { examples?: Record<string, { value: unknown }> };
  type Op = { responses: Record<string, { content?: Record<string, Media> }> };
  const exampleOf = (operation: Op, status: number, name: string) =>
    operation.responses[String(status)]?.content?.['application/json']?.examples?.[name]?.value;

  it('are the bodies the routes really send', async () => {
    const doc = (await (await t.app.fetch('/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> };
    const nobody = (await clientWithToken(t.app, [], { creator: t.root })).token;
    let compared = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const path = template
          .replace('{client_id}', '0123456789abcdef0123456789abcdef')
          .replace(/\{\w+\}/g, 'no_such_key');
        const call = (headers: Record<string, string>) => t.app.fetch(path, { method: method.toUpperCase(), headers });
        const noToken = exampleOf(operation, 401, 'no token');
        if (noToken) {
          expect(await (await call({})).json(), `${method} ${template} 401`).toEqual(noToken);
          expect(await (await call(bearer('not.a.token'))).json(), `${method} ${template} 401`).toEqual(
            exampleOf(operation, 401, 'bad token'),
          );
          compared += 2;
        }
        const forbidden = exampleOf(operation, 403, 'missing scope');
        if (forbidden) {
          expect(await (await call(bearer(nobody))).json(), `${method} ${template} 403`).toEqual(forbidden);
          compared += 1;
        }
        const unknownClient = exampleOf(operation, 404, 'unknown client');
        if (unknownClient) {
          const response = await call({ ...bearer(t.root), 'Content-Type': 'application/json' });
          if (response.status === 404) {
            expect(await response.json(), `${method} ${template} 404`).toEqual(unknownClient);
            compared += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(40);

    const token = doc.paths['/api/v1/oauth/token']!.post!;
    const form = (body: string, headers: Record<string, string> = {}) =>
      t.app.fetch('/api/v1/oauth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    expect(await (await form('grant_type=client_credentials&client_id=x&client_secret=y')).json()).toEqual(
      exampleOf(token, 401, 'failed'),
    );
    expect(await (await form('grant_type=client_credentials&client_id=x&client_id=z&client_secret=y')).json()).toEqual(
      exampleOf(token, 400, 'repeated parameter'),
    );
    const tooLarge = await form('a'.repeat(1024 * 1024 + 1));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual(exampleOf(token, 413, 'too large'));
    // A lockout's wait differs run to run; the words do not.
    expect((exampleOf(token, 429, 'locked out') as { detail: string }).detail).toMatch(
      /^Too many failed authentication attempts\. Try again in \d+ seconds\.$/,
    );
  });

  it('offer the client-credentials flow to the Authorize button', async () => {
    const doc = (await (await t.app.fetch('/openapi.json')).json()) as {
      components: {
        securitySchemes: Record<
          string,
          { flows?: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } } }
        >;
      };
      paths: Record<string, Record<string, { security: Record<string, string[]>[] }>>;
    };
    const flow = doc.components.securitySchemes.clientCredentials!.flows!.clientCredentials!;
    expect(flow.tokenUrl).toBe('/api/v1/oauth/token');
    expect(Object.keys(flow.scopes)).toHaveLength(130);
    expect(doc.paths['/api/v1/oauth/client']!.post!.security).toEqual([
      { bearerAuth: [] },
      { clientCredentials: ['client:create'] },
    ]);
  });
});
