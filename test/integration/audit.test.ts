import { describe, expect, it } from 'vitest';
import { purgeAuditEvents } from '../../src/audit/index.js';
import { rotateSigningKey } from '../../src/tokens/index.js';
import { bearer, callJson, clientWithToken, createClientWith, graphql, postToken, tokenFor } from '../helpers/oauth.js';
import { ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// SPEC §9: every client change, revocation, lockout, key rotation and policy change is an audit event, written in
// the same transaction as the change, readable with client:read, never holding a secret or a token.
const t = useTestApp({ FIDES__SECURITY__AUTH_RATE_LIMIT: '2/minute', FIDES__SECURITY__TRUSTED_PROXIES: '1' });

interface Event {
  id: string;
  at: string;
  action: string;
  actor_client_id: string | null;
  client_id: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}
const page = async (query = '') => {
  const response = await callJson(t.app, 'GET', `/api/v1/oauth/audit${query}`, t.root);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Event[]; total: number; page: number; size: number; pages: number };
};
const from = (ip: string) => ({ 'X-Forwarded-For': ip, 'X-Request-Id': `req-${ip.replaceAll('.', '-')}-0001` });

describe('the audit trail', () => {
  it('records every client change, with who, when, from where and which request', async () => {
    const send = (method: string, path: string, body: unknown, ip: string) =>
      t.app.fetch(path, {
        method,
        headers: { ...bearer(t.root), 'Content-Type': 'application/json', ...from(ip) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const created = (await (
      await send('POST', '/api/v1/oauth/client', { scopes: ['policy:read'], name: 'audited' }, '192.0.2.1')
    ).json()) as {
      client_id: string;
      client_secret: string;
    };
    const id = created.client_id;
    await send('PUT', `/api/v1/oauth/client/${id}`, { name: 'renamed' }, '192.0.2.2');
    await send('PUT', `/api/v1/oauth/client/${id}/scope`, ['rule:read'], '192.0.2.3');
    const rotated = (await (
      await send('POST', `/api/v1/oauth/client/${id}/secret`, undefined, '192.0.2.4')
    ).json()) as { client_secret: string };
    const revoke = (await (await send('POST', `/api/v1/oauth/client/${id}/revoke`, undefined, '192.0.2.5')).json()) as {
      revoked_before: string;
    };
    await send('DELETE', `/api/v1/oauth/client/${id}`, undefined, '192.0.2.6');

    const { items, total } = await page(`?client_id=${id}`);
    expect(total).toBe(6);
    expect(items.map(({ action }) => action)).toEqual([
      'client.deleted',
      'client.tokens_revoked',
      'client.secret_rotated',
      'client.scopes_set',
      'client.updated',
      'client.created',
    ]);
    const [deleted, revoked, secret, scopes, updated, first] = items as [Event, Event, Event, Event, Event, Event];
    expect(first).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/),
      action: 'client.created',
      actor_client_id: ROOT.clientId,
      client_id: id,
      ip: '192.0.2.1',
      request_id: 'req-192-0-2-1-0001',
      details: { scopes: ['policy:read'], roles: [], name: 'audited' },
    });
    expect(updated.details).toEqual({ changed: ['name'], scopes: ['policy:read'], roles: [] });
    expect(scopes.details).toEqual({ changed: ['scopes'], scopes: ['rule:read'], roles: [] });
    expect(secret.details).toEqual({});
    expect(Date.parse(revoked.details.revoked_before as string)).toBe(Date.parse(revoke.revoked_before));
    expect(deleted).toMatchObject({ ip: '192.0.2.6', details: { scopes: ['rule:read'], roles: [] } });
    // Nothing a caller could use: no secret, no hash, no token.
    const text = JSON.stringify(items);
    for (const secretValue of [created.client_secret, rotated.client_secret, t.root])
      expect(text).not.toContain(secretValue);
    expect(text).not.toContain('$argon2');
  });

  it('records token revocations, lockouts and key rotations', async () => {
    const client = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const revoked = await t.app.fetch('/api/v1/oauth/revoke', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        ...from('198.51.100.7'),
      },
      body: new URLSearchParams({ token: client.token }),
    });
    expect(revoked.status).toBe(200);
    const [tokenEvent] = (await page('?action=token.revoked')).items;
    const { jti } = JSON.parse(Buffer.from(client.token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    expect(tokenEvent).toMatchObject({
      actor_client_id: client.client_id,
      client_id: client.client_id,
      details: { jti },
    });
    expect(JSON.stringify(tokenEvent)).not.toContain(client.token);

    for (let i = 0; i < 3; i++) {
      await postToken(
        t.app,
        { grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'guess' },
        from('203.0.113.9'),
      );
    }
    const lockouts = (await page(`?action=auth.locked_out&client_id=${client.client_id}`)).items;
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ actor_client_id: null, ip: '203.0.113.9', details: { limit: 'pair' } });

    const rotation = await rotateSigningKey(t.app.db.orm.em, t.app.config.security.appEncryptionKey, {
      activatesAt: new Date(Date.now() + 600_000),
      tokenLifetimeSeconds: 60,
    });
    const [keyEvent] = (await page('?action=signing_key.rotated')).items;
    expect(keyEvent).toMatchObject({
      actor_client_id: null,
      client_id: null,
      ip: null,
      details: { kid: rotation.kid, removed: [] },
    });
  });

  it('records policy, rule and target changes', async () => {
    await callJson(t.app, 'PATCH', '/api/v1/dsr/policy', t.root, [{ name: 'Audited Policy', key: 'audited_policy' }]);
    await callJson(t.app, 'PATCH', '/api/v1/dsr/policy', t.root, [{ name: 'Audited Policy 2', key: 'audited_policy' }]);
    await callJson(t.app, 'PATCH', '/api/v1/dsr/policy/audited_policy/rule', t.root, [
      { name: 'Audited Rule', key: 'audited_rule', action_type: 'access' },
    ]);
    await callJson(t.app, 'PATCH', '/api/v1/dsr/policy/audited_policy/rule/audited_rule/target', t.root, [
      { key: 'audited_target', data_category: 'user.name' },
    ]);
    await callJson(
      t.app,
      'DELETE',
      '/api/v1/dsr/policy/audited_policy/rule/audited_rule/target/audited_target',
      t.root,
    );
    await callJson(t.app, 'DELETE', '/api/v1/dsr/policy/audited_policy/rule/audited_rule', t.root);
    await callJson(t.app, 'DELETE', '/api/v1/dsr/policy/audited_policy', t.root);
    const actions = (await page('?size=100')).items
      .filter((event) => /^(policy|rule)/.test(event.action))
      .map((event) => [event.action, event.details.key]);
    expect(actions).toEqual([
      ['policy.deleted', 'audited_policy'],
      ['rule.deleted', 'audited_rule'],
      ['rule_target.deleted', 'audited_target'],
      ['rule_target.created', 'audited_target'],
      ['rule.created', 'audited_rule'],
      ['policy.updated', 'audited_policy'],
      ['policy.created', 'audited_policy'],
    ]);
  });

  it('writes the event in the change’s transaction: no event without the change, and no change without its event', async () => {
    const before = (await page()).total;
    // Refused changes leave no trace.
    const weak = await clientWithToken(t.app, ['client:update'], { creator: t.root });
    const strong = await createClientWith(t.app, ['client:read'], t.root);
    expect((await callJson(t.app, 'POST', `/api/v1/oauth/client/${strong.client_id}/secret`, weak.token)).status).toBe(
      403,
    );
    expect(
      (await callJson(t.app, 'PUT', `/api/v1/oauth/client/${strong.client_id}/scope`, t.root, ['nope'])).status,
    ).toBe(422);
    expect((await page()).total).toBe(before + 2); // the two clients created above

    // An event that cannot be written takes its change down with it (`not valid`: the rows already there are not checked).
    const sql = (query: string) => t.app.db.orm.em.getConnection().execute(query);
    await sql(
      `alter table "audit_event" add constraint "refuse_scopes_set" check ("action" <> 'client.scopes_set') not valid`,
    );
    try {
      const refused = await callJson(t.app, 'PUT', `/api/v1/oauth/client/${strong.client_id}/scope`, t.root, []);
      expect(refused.status).toBe(500);
      expect(
        await (await callJson(t.app, 'GET', `/api/v1/oauth/client/${strong.client_id}/scope`, t.root)).json(),
      ).toEqual(['client:read']);
    } finally {
      await sql(`alter table "audit_event" drop constraint "refuse_scopes_set"`);
    }
  });

  it('is read with client:read, filtered, and on GraphQL too', async () => {
    const reader = await clientWithToken(t.app, ['client:read'], { creator: t.root });
    const nobody = await clientWithToken(t.app, [], { creator: t.root });
    expect((await callJson(t.app, 'GET', '/api/v1/oauth/audit', nobody.token)).status).toBe(403);
    const since = new Date(Date.now() - 60_000).toISOString();
    const filtered = await callJson(
      t.app,
      'GET',
      `/api/v1/oauth/audit?action=client.created&since=${since}&size=2`,
      reader.token,
    );
    expect(filtered.status).toBe(200);
    const body = (await filtered.json()) as { items: Event[]; size: number };
    expect(body.size).toBe(2);
    expect(body.items.every((event) => event.action === 'client.created')).toBe(true);
    const bad = await callJson(
      t.app,
      'GET',
      '/api/v1/oauth/audit?action=client.exploded&since=yesterday',
      reader.token,
    );
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: { loc: string[] }[] }).detail.map((issue) => issue.loc)).toEqual([
      ['query', 'action'],
    ]);
    const badSince = await callJson(t.app, 'GET', '/api/v1/oauth/audit?since=yesterday', reader.token);
    expect(await badSince.json()).toEqual({
      detail: [
        { loc: ['query', 'since'], msg: 'Input should be a valid datetime (ISO 8601)', type: 'datetime_parsing' },
      ],
    });

    const { body: gql } = await graphql(
      t.app,
      'query($id: String) { auditEvents(clientId: $id, size: 5) { total items { action clientId actorClientId } } }',
      { id: reader.client_id },
      bearer(reader.token),
    );
    expect(gql).toEqual({
      data: {
        auditEvents: {
          total: 1,
          items: [{ action: 'client.created', clientId: reader.client_id, actorClientId: ROOT.clientId }],
        },
      },
    });
  });

  it('forgets events older than the retention', async () => {
    const sql = (query: string, params: unknown[] = []) => t.app.db.orm.em.getConnection().execute(query, params);
    const old = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    for (const [id, days] of [
      ['00000000-0000-4000-8000-000000000091', 91],
      ['00000000-0000-4000-8000-000000000089', 89],
    ] as const) {
      await sql(`insert into "audit_event" ("id", "at", "action", "details") values (?, ?, 'client.deleted', '{}')`, [
        id,
        old(days),
      ]);
    }
    expect(await purgeAuditEvents({ em: t.app.db.orm.em.fork() }, 90)).toBe(1);
    const left = await sql(`select "id" from "audit_event" where "id" in (?, ?)`, [
      '00000000-0000-4000-8000-000000000091',
      '00000000-0000-4000-8000-000000000089',
    ]);
    expect(left).toEqual([{ id: '00000000-0000-4000-8000-000000000089' }]);
    expect(await tokenFor(t.app, ROOT.clientId, ROOT.clientSecret)).toBeTruthy();
  });
});
