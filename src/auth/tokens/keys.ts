import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { SigningKeySchema } from '../../db/entities/index.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';

export const SIGNING_ALG = 'EdDSA';

interface LoadedKey {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly publicKey: CryptoKey;
  readonly privateKey: CryptoKey;
  readonly createdAt: Date;
}

/** The signing keys, decrypted once at start. The newest signs; every one verifies and is published. */
export interface KeyStore {
  /** The key new tokens are signed with. */
  readonly current: LoadedKey;
  publicKey(kid: string): CryptoKey | undefined;
  /** The public keys as an RFC 7517 JWK Set. */
  jwks(): { keys: JWK[] };
}

/** Creates the first signing key when there is none. Run under the migration lock so only one process does. */
export async function ensureSigningKey(em: EntityManager, encryptionKey: string): Promise<void> {
  const fork = em.fork();
  if ((await fork.count(SigningKeySchema)) > 0) return;
  await createSigningKey(fork, encryptionKey);
}

export async function createSigningKey(em: EntityManager, encryptionKey: string): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = await exportJWK(privateKey);
  em.create(SigningKeySchema, {
    kid,
    alg: SIGNING_ALG,
    publicJwk: publicJwk as unknown as Record<string, string>,
    privateJwkEncrypted: encryptPrivateKey(JSON.stringify(privateJwk), encryptionKey),
  });
  await em.flush();
  return kid;
}

/** Loads and decrypts every stored signing key. Throws `KeyDecryptionError` when the encryption key is wrong. */
export async function loadKeyStore(em: EntityManager, encryptionKey: string): Promise<KeyStore> {
  const rows = await em
    .fork()
    .find(SigningKeySchema, {}, { orderBy: { createdAt: 'desc', kid: 'asc' }, populate: ['privateJwkEncrypted'] });
  if (rows.length === 0) throw new Error('no signing key in the database: run the migrations first');
  const keys = await Promise.all(
    rows.map(async (row): Promise<LoadedKey> => {
      const privateJwk = JSON.parse(decryptPrivateKey(row.privateJwkEncrypted, encryptionKey, row.kid)) as JWK;
      const publicJwk = row.publicJwk as JWK;
      return {
        kid: row.kid,
        publicJwk,
        publicKey: (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey,
        privateKey: (await importJWK(privateJwk, SIGNING_ALG)) as CryptoKey,
        createdAt: row.createdAt,
      };
    }),
  );
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  const published = { keys: keys.map((key) => ({ ...key.publicJwk })) };
  return {
    current: keys[0]!,
    publicKey: (kid) => byKid.get(kid)?.publicKey,
    jwks: () => published,
  };
}
