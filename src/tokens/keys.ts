import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { recordAudit, SERVER_ITSELF, type AuditContext } from '../audit/index.js';
import { SigningKeySchema, type SigningKey } from '../db/entities/index.js';
import {
  decryptPrivateKey,
  encryptPrivateKey,
  KeyDecryptionError,
  opensWith,
  upgradeSealedPrivateKey,
} from './key-encryption.js';

export const SIGNING_ALG = 'EdDSA';

export interface LoadedKey {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly publicKey: CryptoKey;
  readonly privateKey: CryptoKey;
  readonly activatesAt: Date;
}

/**
 * The signing keys, decrypted in memory. The newest active key signs; every stored key verifies and is published,
 * including one rotated in that does not sign yet.
 */
export interface KeyStore {
  /** The key new tokens are signed with: the latest whose activation time has come. */
  signingKey(): LoadedKey;
  /** A key by `kid`; an unknown kid reloads the keys first (at most every few seconds), since another process may have rotated. */
  publicKey(kid: string): Promise<CryptoKey | undefined>;
  /** Whether a key with this kid is loaded now (no reload): a removed key's tokens stop verifying. */
  has(kid: string): boolean;
  /** The public keys as an RFC 7517 JWK Set. */
  jwks(): { keys: JWK[] };
  /** Reloads the keys from the database. */
  refresh(): Promise<void>;
  /** Rotates a new key in (see `rotateSigningKey`) and reloads, so this process publishes it at once. */
  rotate(options: RotationOptions): Promise<RotationResult>;
}

/**
 * The start-time step for signing keys, run under the migration lock so only one process does it: re-encrypts
 * keys stored by an older version in the current format, then creates the first key when there is none.
 */
export async function prepareSigningKeys(em: EntityManager, encryptionKey: string): Promise<void> {
  await upgradeStoredKeys(em.fork(), encryptionKey);
  const fork = em.fork();
  if ((await fork.count(SigningKeySchema)) > 0) return;
  await createSigningKey(fork, encryptionKey, new Date());
}

/**
 * Legacy rows were encrypted without the kid as additional data; after this, loading accepts only the bound format.
 * One flush (one transaction): a failure leaves every row as it was, and the start stops.
 */
async function upgradeStoredKeys(em: EntityManager, encryptionKey: string): Promise<void> {
  const rows = await em.find(SigningKeySchema, {}, { populate: ['privateJwkEncrypted'] });
  for (const row of rows) {
    const upgraded = upgradeSealedPrivateKey(row.privateJwkEncrypted, encryptionKey, row.kid);
    if (upgraded !== null) row.privateJwkEncrypted = upgraded;
  }
  await em.flush();
}

export async function createSigningKey(em: EntityManager, encryptionKey: string, activatesAt: Date): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = await exportJWK(privateKey);
  em.create(SigningKeySchema, {
    kid,
    alg: SIGNING_ALG,
    publicJwk,
    privateJwkEncrypted: encryptPrivateKey(JSON.stringify(privateJwk), encryptionKey, kid),
    activatesAt,
  });
  await em.flush();
  return kid;
}

export interface RotationOptions {
  readonly activatesAt: Date;
  readonly tokenLifetimeSeconds: number;
  /** Who asked: the root client through the API, or the server itself (the default). */
  readonly audit?: AuditContext;
}

export interface RotationResult {
  readonly kid: string;
  readonly activatesAt: Date;
  /** Keys deleted because every token they signed has expired. */
  readonly removed: readonly string[];
}

/**
 * Rotation: a new key, published at once and signing from `activatesAt`. Keys whose successor has been signing for
 * longer than a token lives are removed: no valid token can carry their signature any more.
 */
export async function rotateSigningKey(
  em: EntityManager,
  encryptionKey: string,
  options: RotationOptions,
): Promise<RotationResult> {
  // The new key, the removal of expired ones and the audit event: one transaction.
  return em.fork().transactional(async (tx) => {
    const kid = await createSigningKey(tx, encryptionKey, options.activatesAt);
    const removed = await removeExpiredKeys(tx, options.tokenLifetimeSeconds);
    recordAudit(tx, options.audit ?? SERVER_ITSELF, {
      action: 'signing_key.rotated',
      details: { kid, activates_at: options.activatesAt.toISOString(), removed },
    });
    return { kid, activatesAt: options.activatesAt, removed };
  });
}

/** Deletes keys superseded by an active successor more than one token lifetime ago. */
export async function removeExpiredKeys(
  em: EntityManager,
  tokenLifetimeSeconds: number,
  now = new Date(),
): Promise<string[]> {
  const rows = await em.find(SigningKeySchema, {}, { orderBy: { activatesAt: 'asc', kid: 'asc' } });
  const active = rows.filter((row) => row.activatesAt <= now);
  const expired = active.filter((_row, index) => {
    const successor = active[index + 1];
    return successor !== undefined && successor.activatesAt.getTime() + tokenLifetimeSeconds * 1000 < now.getTime();
  });
  if (expired.length === 0) return [];
  await em.nativeDelete(SigningKeySchema, { kid: { $in: expired.map((row) => row.kid) } });
  return expired.map((row) => row.kid);
}

export interface ReencryptionResult {
  /** Keys that opened with the old key and are now sealed with the new one. */
  readonly reencrypted: readonly string[];
  /** Keys already sealed with the new key, left as they were. */
  readonly unchanged: readonly string[];
}

/**
 * `keys reencrypt`: seals every stored private key with `toKey`. A row that already opens with `toKey` is left (so a
 * second run, or one interrupted before, is harmless); one that opens with `fromKey` (in either format) is
 * re-encrypted; one that opens with neither stops the whole run before anything is written. One transaction.
 */
export async function reencryptSigningKeys(
  em: EntityManager,
  fromKey: string,
  toKey: string,
): Promise<ReencryptionResult> {
  return em.fork().transactional(async (tx) => {
    const rows = await tx.find(
      SigningKeySchema,
      {},
      { orderBy: { activatesAt: 'asc', kid: 'asc' }, populate: ['privateJwkEncrypted'] },
    );
    const reencrypted: string[] = [];
    const unchanged: string[] = [];
    for (const row of rows) {
      if (opensWith(row.privateJwkEncrypted, toKey, row.kid) !== null) {
        unchanged.push(row.kid);
        continue;
      }
      const plaintext = opensWith(row.privateJwkEncrypted, fromKey, row.kid);
      if (plaintext === null) {
        throw new KeyDecryptionError(
          `signing key ${row.kid} opens neither with --from-key nor with the configured app_encryption_key; ` +
            'nothing was changed',
        );
      }
      row.privateJwkEncrypted = encryptPrivateKey(plaintext, toKey, row.kid);
      reencrypted.push(row.kid);
    }
    return { reencrypted, unchanged };
  });
}

export async function listSigningKeys(em: EntityManager): Promise<SigningKey[]> {
  return em.fork().find(SigningKeySchema, {}, { orderBy: { activatesAt: 'asc', kid: 'asc' } });
}

/**
 * Loads and decrypts every stored signing key. Throws `KeyDecryptionError` when the encryption key is wrong, a row
 * was altered or moved to another kid, or a row is still in the legacy format.
 */
export async function openKeyStore(
  em: EntityManager,
  encryptionKey: string,
  options: { minRefreshIntervalMs?: number } = {},
): Promise<KeyStore> {
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 5_000;
  let keys = await loadKeys(em, encryptionKey);
  // A monotonic clock: throttling must not depend on the wall clock, which may jump.
  let lastRefresh = performance.now();
  let refreshing: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    if (!refreshing) {
      refreshing = loadKeys(em, encryptionKey)
        .then((loaded) => {
          keys = loaded;
          lastRefresh = performance.now();
        })
        .finally(() => {
          refreshing = undefined;
        });
      return refreshing;
    }
    // The read in progress may have started before the change this caller heard of (a rotation's notification):
    // one more read after it, shared by every caller until it starts.
    queued ??= refreshing
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return refresh();
      });
    return queued;
  };

  return {
    signingKey() {
      const now = Date.now();
      const active = keys.filter((key) => key.activatesAt.getTime() <= now);
      const newest = active.at(-1);
      if (!newest) throw new Error('no active signing key');
      return newest;
    },
    async publicKey(kid) {
      const known = keys.find((key) => key.kid === kid);
      if (known || performance.now() - lastRefresh < minRefreshIntervalMs) return known?.publicKey;
      await refresh();
      return keys.find((key) => key.kid === kid)?.publicKey;
    },
    has: (kid) => keys.some((key) => key.kid === kid),
    jwks: () => ({ keys: keys.map((key) => ({ ...key.publicJwk })) }),
    refresh,
    async rotate(options) {
      const result = await rotateSigningKey(em, encryptionKey, options);
      await refresh();
      return result;
    },
  };
}

async function loadKeys(em: EntityManager, encryptionKey: string): Promise<LoadedKey[]> {
  const rows = await em
    .fork()
    .find(SigningKeySchema, {}, { orderBy: { activatesAt: 'asc', kid: 'asc' }, populate: ['privateJwkEncrypted'] });
  if (rows.length === 0) throw new Error('no signing key in the database: run the migrations first');
  return Promise.all(
    rows.map(async (row): Promise<LoadedKey> => {
      const privateJwk = JSON.parse(decryptPrivateKey(row.privateJwkEncrypted, encryptionKey, row.kid)) as JWK;
      const publicJwk = row.publicJwk as JWK;
      // The public column is not encrypted; the private JWK's own copy of the public key is authenticated. Without
      // this check, whoever can write the table could publish a key of their own under our kid.
      if (publicJwk.kty !== privateJwk.kty || publicJwk.crv !== privateJwk.crv || publicJwk.x !== privateJwk.x) {
        throw new KeyDecryptionError(
          `signing key ${row.kid}: the stored public key does not match its private key (was the row altered?)`,
        );
      }
      return {
        kid: row.kid,
        publicJwk,
        publicKey: (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey,
        privateKey: (await importJWK(privateJwk, SIGNING_ALG)) as CryptoKey,
        activatesAt: row.activatesAt,
      };
    }),
  );
}
