// `clients …`: the REST client routes, as the root client. `clients revoke --root` is the exception: the API cannot
// revoke the root client's tokens (SPEC §9), so it writes the revocation mark in the database itself.
import type { Page } from '../../core/index.js';
import type { ClientBody, CredentialsBody } from '../../rest/index.js';
import type { Command, CommandContext, OptionValues } from './command.js';
import { wholeNumber } from './command.js';
import { instant, table, UsageError } from './output.js';

const path = (id: string) => `/api/v1/oauth/client/${encodeURIComponent(id)}`;
const list = (values: OptionValues, name: string) => (values[name] as string[] | undefined) ?? [];

/** The one-time secret, said once and plainly. */
const credentialsLines = (verb: string, credentials: CredentialsBody) =>
  `${verb} client ${credentials.client_id}\n` +
  `client_id:     ${credentials.client_id}\n` +
  `client_secret: ${credentials.client_secret}\n` +
  'Store the secret now: it is shown this once, and only its hash is kept.\n';

const clientLines = (client: ClientBody) =>
  table(
    ['field', 'value'],
    [
      ['client_id', client.client_id],
      ['name', client.name ?? '-'],
      ['description', client.description ?? '-'],
      ['scopes', client.scopes?.join(' ') || '-'],
      ['roles', client.roles?.join(' ') || '-'],
    ],
  ).replace(/^.*\n/, '');

const idArg = { args: '<client_id>', positionals: { min: 1, max: 1 } } as const;

/**
 * The `run` of a command that calls one route of the client its `<client_id>` names and prints `text` of the
 * answer: show, delete and rotate differ only in the route and the words.
 */
const onClient =
  <T>(method: 'GET' | 'POST' | 'DELETE', suffix: string, text: (answer: T, id: string) => string) =>
  async ({ positionals, out, api }: CommandContext): Promise<number> => {
    const id = positionals[0]!;
    const answer = await (await api()).call<T>(method, `${path(id)}${suffix}`);
    out.answer(answer, () => text(answer, id));
    return 0;
  };

export const clientCommands: Command[] = [
  {
    name: 'clients create',
    summary: 'Create a client and print its one-time secret.',
    description:
      'As POST /api/v1/oauth/client: unknown scope or role names are refused. The secret is printed this once; only ' +
      'its hash is stored (rotate it if it is lost).',
    options: {
      scope: { type: 'string', multiple: true, value: 'SCOPE', description: 'A scope to grant; repeat for more.' },
      role: { type: 'string', multiple: true, value: 'ROLE', description: 'A role to grant; repeat for more.' },
      name: { type: 'string', value: 'NAME', description: 'A name for people.' },
      description: { type: 'string', value: 'TEXT', description: 'What the client is for.' },
    },
    examples: ['clients create --scope policy:read --scope rule:read --name reporting'],
    async run({ values, out, api }) {
      const created = await (
        await api()
      ).call<CredentialsBody>('POST', '/api/v1/oauth/client', {
        scopes: list(values, 'scope'),
        roles: list(values, 'role'),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.description !== undefined ? { description: values.description } : {}),
      });
      out.answer(created, () => credentialsLines('created', created));
      return 0;
    },
  },
  {
    name: 'clients list',
    summary: 'List the clients, newest first, a page at a time.',
    options: {
      page: { type: 'string', value: 'N', description: 'The page, from 1 (default 1).' },
      size: { type: 'string', value: 'N', description: 'Clients per page, 1 to 100 (default 50).' },
    },
    examples: ['clients list', 'clients list --page 2 --size 20 --json'],
    async run({ values, out, api }) {
      const query = new URLSearchParams();
      const page = wholeNumber(values, 'page', 1);
      const size = wholeNumber(values, 'size', 1);
      if (page !== undefined) query.set('page', String(page));
      if (size !== undefined) query.set('size', String(size));
      const answer = await (await api()).call<Page<ClientBody>>('GET', `/api/v1/oauth/client?${query}`);
      out.answer(answer, () =>
        answer.items.length === 0
          ? `no clients (page ${answer.page}, ${answer.total} in all)\n`
          : table(
              ['CLIENT_ID', 'NAME', 'SCOPES', 'ROLES'],
              answer.items.map((client) => [
                client.client_id,
                client.name ?? '-',
                client.scopes?.join(' ') || '-',
                client.roles?.join(' ') || '-',
              ]),
            ) + `page ${answer.page} of ${Math.max(answer.pages, 1)}, ${answer.total} clients\n`,
      );
      return 0;
    },
  },
  {
    name: 'clients show',
    summary: 'Show one client: name, description, scopes and roles (never its secret).',
    ...idArg,
    examples: ['clients show 2f6c…'],
    run: onClient<ClientBody>('GET', '', clientLines),
  },
  {
    name: 'clients update',
    summary: 'Change a client’s name, description, scopes or roles.',
    description:
      'As PUT /api/v1/oauth/client/{id}: what is not given stays. --scope and --role replace the whole list; narrowed ' +
      'scopes apply at once to tokens already issued.',
    ...idArg,
    options: {
      scope: {
        type: 'string',
        multiple: true,
        value: 'SCOPE',
        description: 'Its scopes from now on; repeat for more.',
      },
      'clear-scopes': { type: 'boolean', description: 'Take every scope away.' },
      role: { type: 'string', multiple: true, value: 'ROLE', description: 'Its roles from now on; repeat for more.' },
      'clear-roles': { type: 'boolean', description: 'Take every role away.' },
      name: { type: 'string', value: 'NAME', description: 'A new name.' },
      description: { type: 'string', value: 'TEXT', description: 'A new description.' },
      'clear-description': { type: 'boolean', description: 'Remove the description.' },
    },
    examples: ['clients update 2f6c… --scope policy:read --name reporting-v2'],
    async run({ positionals, values, out, api }) {
      const body: Record<string, unknown> = {};
      const replace = (field: string, option: string) => {
        if (values[option] !== undefined && values[`clear-${field}`]) {
          throw new UsageError(`give --${option} or --clear-${field}, not both`);
        }
        if (values[option] !== undefined) body[field] = values[option];
        else if (values[`clear-${field}`]) body[field] = field === 'description' ? null : [];
      };
      replace('scopes', 'scope');
      replace('roles', 'role');
      replace('description', 'description');
      if (values.name !== undefined) body.name = values.name;
      if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option');
      const client = await (await api()).call<ClientBody>('PUT', path(positionals[0]!), body);
      out.answer(client, () => `updated client ${client.client_id}\n${clientLines(client)}`);
      return 0;
    },
  },
  {
    name: 'clients delete',
    summary: 'Delete a client; its tokens stop working at once.',
    description: 'As DELETE /api/v1/oauth/client/{id}, which answers the same for an id that does not exist.',
    ...idArg,
    examples: ['clients delete 2f6c…'],
    run: onClient<null>(
      'DELETE',
      '',
      (_answer, id) => `deleted client ${id} (if it existed); its tokens no longer work\n`,
    ),
  },
  {
    name: 'clients rotate',
    summary: 'Give a client a new secret, printed once; the old one stops working at once.',
    description:
      'Tokens already issued stay valid: after a leak, run `clients revoke` on the client too (or rotate, then revoke).',
    ...idArg,
    examples: ['clients rotate 2f6c…'],
    run: onClient<CredentialsBody>('POST', '/secret', (rotated) => credentialsLines('new secret for', rotated)),
  },
  {
    name: 'clients revoke',
    args: '<client_id> | --root',
    positionals: { min: 0, max: 1 },
    summary: 'Revoke every token issued to a client so far, everywhere at once (after a leak).',
    description:
      'New grants work from the next second. --root does it for the root client, which the API cannot touch: it ' +
      'writes to the database itself, so on the embedded database it needs the server stopped. Change ' +
      'oauth_root_client_secret too if it leaked.',
    options: { root: { type: 'boolean', description: 'Revoke the root client’s tokens instead.' } },
    examples: ['clients revoke 2f6c…', 'clients revoke --root'],
    run: (context) => revoke(context),
  },
];

async function revoke({ positionals, values, out, api, config, database }: CommandContext): Promise<number> {
  if (values.root === true) {
    if (positionals.length > 0) throw new UsageError('give a client id or --root, not both');
    const db = await database('revoking the root client’s tokens');
    const { markTokensRevoked } = await import('../../clients/index.js');
    const revokedAt = new Date();
    await markTokensRevoked(db.orm.em.fork(), config().security.oauthRootClientId, revokedAt);
    const body = { root: true, revoked_before: revokedAt.toISOString() };
    out.answer(body, () => `root client: every token issued up to ${body.revoked_before} is revoked\n`);
    return 0;
  }
  const [id] = positionals;
  if (id === undefined) throw new UsageError('give a client id, or --root');
  const answer = await (await api()).call<{ revoked_before: string }>('POST', `${path(id)}/revoke`);
  out.answer(answer, () => `client ${id}: every token issued up to ${instant(answer.revoked_before)} is revoked\n`);
  return 0;
}
