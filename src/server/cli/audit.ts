// `audit tail`: the newest audit events, oldest of them first, as `tail` prints a log; --follow keeps polling.
import type { Page } from '../../core/index.js';
import type { AuditEventBody } from '../../rest/index.js';
import type { Command } from './command.js';
import { wholeNumber } from './command.js';
import { instant, table, UsageError } from './output.js';

/** How often --follow asks for new events. */
const FOLLOW_INTERVAL_MS = 2000;
const DEFAULT_SIZE = 20;
/** The API's largest page: what one poll of --follow reads. */
const MAX_SIZE = 100;

const COLUMNS = ['AT', 'ACTION', 'ACTOR', 'CLIENT', 'IP', 'DETAILS'];
const row = (event: AuditEventBody) => [
  instant(event.at),
  event.action,
  event.actor_client_id ?? 'server',
  event.client_id ?? '-',
  event.ip ?? '-',
  JSON.stringify(event.details),
];

export const auditCommands: Command[] = [
  {
    name: 'audit tail',
    summary: 'Print the newest audit events, oldest of them first; --follow prints new ones as they come.',
    description:
      'As GET /api/v1/oauth/audit: who changed which client, policy or key, when and from where. --follow asks every ' +
      `${FOLLOW_INTERVAL_MS / 1000} s until Ctrl-C; with --json it prints one event per line (JSON Lines).`,
    options: {
      'client-id': { type: 'string', value: 'ID', description: 'Only events about this client.' },
      action: { type: 'string', value: 'ACTION', description: 'Only events of this kind (client.created, …).' },
      since: { type: 'string', value: 'TIME', description: 'Only events at or after this instant (ISO 8601).' },
      size: { type: 'string', value: 'N', description: `How many events, 1 to ${MAX_SIZE} (default ${DEFAULT_SIZE}).` },
      follow: { type: 'boolean', short: 'f', description: 'Keep printing new events until Ctrl-C.' },
    },
    examples: [
      'audit tail --size 5',
      'audit tail --client-id 2f6c… --follow',
      'audit tail --action client.deleted --json',
    ],
    async run({ values, out, api, interrupted }) {
      const size = wholeNumber(values, 'size', 1) ?? DEFAULT_SIZE;
      if (size > MAX_SIZE) throw new UsageError(`--size: at most ${MAX_SIZE}`, false);
      const filters = new URLSearchParams();
      for (const [option, parameter] of [
        ['client-id', 'client_id'],
        ['action', 'action'],
      ] as const) {
        if (typeof values[option] === 'string') filters.set(parameter, values[option]);
      }
      const client = await api();
      const read = (since: string | undefined, pageSize: number) => {
        const query = new URLSearchParams(filters);
        query.set('size', String(pageSize));
        if (since !== undefined) query.set('since', since);
        return client.call<Page<AuditEventBody>>('GET', `/api/v1/oauth/audit?${query}`);
      };
      const first = await read(typeof values.since === 'string' ? values.since : undefined, size);
      const events = [...first.items].reverse();
      if (!values.follow) {
        out.answer(first, () => (events.length === 0 ? 'no audit events\n' : table(COLUMNS, events.map(row))));
        return 0;
      }

      // Events are read again from the newest instant seen (the API's `since` is inclusive), and printed once each.
      const seen = new Set(events.map((event) => event.id));
      let since = events.at(-1)?.at ?? (typeof values.since === 'string' ? values.since : undefined);
      const print = (event: AuditEventBody) => out.line(event, () => `${row(event).join('  ')}\n`);
      events.forEach(print);
      let stopped = false;
      void interrupted.then(() => (stopped = true));
      while (!stopped) {
        await Promise.race([interrupted, new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS))]);
        if (stopped) break;
        const fresh = (await read(since, MAX_SIZE)).items.filter((event) => !seen.has(event.id)).reverse();
        for (const event of fresh) {
          seen.add(event.id);
          print(event);
        }
        since = fresh.at(-1)?.at ?? since;
      }
      return 0;
    },
  },
];
