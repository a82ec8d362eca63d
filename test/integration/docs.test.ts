import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { REQUIRED_SCOPES } from '../../src/access/index.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp({}, { root: false });

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
        'GET /api/v1/dsr/policy',
        'PATCH /api/v1/dsr/policy',
        'GET /api/v1/dsr/policy/{policy_key}',
        'DELETE /api/v1/dsr/policy/{policy_key}',
        'GET /api/v1/dsr/policy/{policy_key}/rule',
        'PATCH /api/v1/dsr/policy/{policy_key}/rule',
        'GET /api/v1/dsr/policy/{policy_key}/rule/{rule_key}',
        'DELETE /api/v1/dsr/policy/{policy_key}/rule/{rule_key}',
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
        expect(op.security, name).toEqual([{ bearerAuth: [] }]);
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
    expect(assets).toEqual(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/init.js']);
    expect(html).not.toMatch(/<script>/);
    for (const asset of assets) {
      const response = await t.app.fetch(asset!);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
    expect(await (await t.app.fetch('/docs/init.js')).text()).toContain("url: '/openapi.json'");
  });
});
