// `db copy`: database to database, outside the API (the servers on both sides stopped).
import { parseDatabaseUrl } from '../../config/index.js';
import type { Command } from './command.js';
import { UsageError } from './output.js';

export const dbCommands: Command[] = [
  {
    name: 'db copy',
    summary: 'Copy everything from one database to another (pglite://… or postgresql://… on either side).',
    description:
      'Clients and their secret hashes, signing keys still encrypted, revocations, policies, rules and audit events. ' +
      'Both are migrated first; a target holding anything but the default policies is refused unless --replace. ' +
      'Stop the servers on both first.',
    synopsis: '--from URL --to URL [--replace]',
    options: {
      from: { type: 'string', value: 'URL', description: 'The database to copy from.' },
      to: { type: 'string', value: 'URL', description: 'The database to copy into.' },
      replace: { type: 'boolean', description: 'Empty the target first.' },
    },
    examples: ['db copy --from pglite://./.fides/data --to postgresql://gatehouse@db/gatehouse'],
    async run({ values, out }) {
      if (typeof values.from !== 'string' || typeof values.to !== 'string') {
        throw new UsageError('give --from URL and --to URL');
      }
      const [{ copyDatabase }, { createOrm, migrate }] = await Promise.all([
        import('../../db/copy.js'),
        import('../../db/orm.js'),
      ]);
      // Both migrated (the source too, so its rows have the shape the target expects), then copied.
      const open = async (url: string, name: string) => {
        const database = parseDatabaseUrl({ value: url, source: name }, { cwd: process.cwd(), warn: () => {} });
        const db = await createOrm(database);
        try {
          await migrate(db);
          return db;
        } catch (error) {
          await db.close();
          throw error;
        }
      };
      const source = await open(values.from, '--from');
      try {
        const target = await open(values.to, '--to');
        try {
          const result = await copyDatabase(source, target, { replace: values.replace === true });
          out.answer(
            result,
            () =>
              result.tables.map(({ table, rows }) => `${table}: ${rows} rows\n`).join('') +
              'copied; point the server at the target (database.url) and start it\n',
          );
          return 0;
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    },
  },
];
