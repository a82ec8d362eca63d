// `keys …`: list and rotate through the root-only REST routes (so they work through a running server too);
// `keys reencrypt` works on the database itself, with the server stopped, since a server cannot start on keys it
// cannot decrypt.
import { readFileSync } from 'node:fs';
import type { KeyBody, RotationBody } from '../../rest/index.js';
import type { Command } from './command.js';
import { CliError, instant, UsageError } from './output.js';

/**
 * The API's default (tokens/manage-keys.ts), for the help text only: without --activate-in or --now the CLI sends no
 * delay and the API applies its own. Said again here so `--help` loads no crypto module.
 */
const DEFAULT_ACTIVATE_IN_SECONDS = 600;

const keyLines = (keys: readonly KeyBody[]) =>
  keys.map((key) => `${key.kid}  ${instant(key.activates_at)}  ${key.state}\n`).join('');

/** What app_encryption_key must be (config/keys.ts checks the configured one the same way). */
const ENCRYPTION_KEY_BYTES = 32;

export const keyCommands: Command[] = [
  {
    name: 'keys list',
    summary: 'List the signing keys: kid, when each signs, and which one signs now.',
    description: '`signing` signs new tokens; `pending` is published and signs later; `verifying` only verifies.',
    examples: ['keys list', 'keys list --json'],
    async run({ out, api }) {
      const keys = await (await api()).call<KeyBody[]>('GET', '/api/v1/oauth/keys');
      out.answer(keys, () => keyLines(keys));
      return 0;
    },
  },
  {
    name: 'keys rotate',
    summary: 'Create a new signing key, published in the JWKS at once.',
    description:
      `It signs from S seconds on (default ${DEFAULT_ACTIVATE_IN_SECONDS}: running servers reload keys every minute ` +
      'and resource servers cache the JWKS for five). --now signs with it at once: resource servers holding a cached ' +
      'JWKS may reject the new tokens until they refetch it. Older keys stay published until every token they ' +
      'signed has expired; a later rotation removes them.',
    synopsis: '[--activate-in S | --now]',
    options: {
      'activate-in': { type: 'string', value: 'S', description: 'Seconds until the new key signs.' },
      now: { type: 'boolean', description: 'Sign with the new key at once.' },
    },
    examples: ['keys rotate', 'keys rotate --now'],
    async run({ values, out, api }) {
      if (values.now && values['activate-in'] !== undefined)
        throw new UsageError('give --activate-in or --now, not both');
      let activateIn: number | undefined;
      if (values.now) activateIn = 0;
      else if (typeof values['activate-in'] === 'string') {
        if (!/^\d+$/.test(values['activate-in'])) {
          throw new UsageError('--activate-in: a whole number of seconds, 0 or more', false);
        }
        activateIn = Number(values['activate-in']);
      }
      const rotation = await (
        await api()
      ).call<RotationBody>(
        'POST',
        '/api/v1/oauth/keys',
        activateIn === undefined ? {} : { activate_in_seconds: activateIn },
      );
      out.answer(
        rotation,
        () =>
          `new signing key ${rotation.kid}: published now, signs from ${instant(rotation.activates_at)}\n` +
          rotation.removed.map((kid) => `removed expired key ${kid}\n`).join('') +
          keyLines(rotation.keys),
      );
      return 0;
    },
  },
  {
    name: 'keys reencrypt',
    summary: 'Re-encrypt the stored signing keys with the configured app_encryption_key.',
    description:
      'For a data folder or database whose keys were encrypted with another app_encryption_key (the server then ' +
      'refuses to start, naming this command): every key that opens with the old key is re-encrypted with the ' +
      'configured one, in one transaction. Keys already under the configured key are left, so running it twice is ' +
      'harmless; if a key opens with neither, nothing is changed. Works on the database itself: stop every server ' +
      'first (on the embedded database the CLI checks; on PostgreSQL it cannot). --from-key-file keeps the old key ' +
      'out of the shell history.',
    synopsis: '(--from-key OLD | --from-key-file PATH)',
    options: {
      'from-key': { type: 'string', value: 'OLD', description: 'The app_encryption_key the keys were encrypted with.' },
      'from-key-file': { type: 'string', value: 'PATH', description: 'A file holding that key (one line).' },
    },
    examples: ['keys reencrypt --from-key-file old-key.txt', 'keys reencrypt --from-key "$OLD_APP_ENCRYPTION_KEY"'],
    async run({ values, out, config, database }) {
      const fromKey = oldKey(values['from-key'], values['from-key-file']);
      const db = await database('re-encrypting the signing keys');
      const { reencryptSigningKeys } = await import('../../tokens/index.js');
      const result = await reencryptSigningKeys(db.orm.em, fromKey, config().security.appEncryptionKey);
      const body = { reencrypted: result.reencrypted, unchanged: result.unchanged };
      out.answer(
        body,
        () =>
          `re-encrypted ${result.reencrypted.length} signing key(s) with the configured app_encryption_key; ` +
          `${result.unchanged.length} already were\n` +
          result.reencrypted.map((kid) => `re-encrypted ${kid}\n`).join('') +
          result.unchanged.map((kid) => `unchanged    ${kid}\n`).join(''),
      );
      return 0;
    },
  },
];

function oldKey(given: unknown, file: unknown): string {
  if ((given === undefined) === (file === undefined)) throw new UsageError('give --from-key or --from-key-file');
  let key: string;
  if (typeof file === 'string') {
    try {
      key = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new CliError(`--from-key-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else key = given as string;
  // Never echo the key: it is a secret.
  if (Buffer.byteLength(key, 'utf8') !== ENCRYPTION_KEY_BYTES) {
    throw new UsageError(`the old key must be ${ENCRYPTION_KEY_BYTES} characters, as app_encryption_key is`, false);
  }
  return key;
}
