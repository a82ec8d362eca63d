import { ValidationError } from '../core/index.js';
import { DEFAULT_ACTIVATE_IN_SECONDS, listKeys, rotateKeys, type SigningKeyView } from '../tokens/index.js';
import { isoUtc, json, readJson } from './http.js';
import { jsonObject, locatedIn } from './input.js';
import { ref } from './openapi-schemas.js';
import type { Route } from './routes.js';

const ROOT_ONLY =
  'The root client only, whatever the scopes of other tokens (403 `Only the root client may manage the signing ' +
  'keys.`): these are the operator’s routes behind `npm run cli -- keys …`.';

/** The signing keys, for the operator: listed and rotated through the running server (the CLI's path to it). */
export const keyRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/oauth/keys',
    doc: {
      tag: 'OAuth',
      summary: 'List the signing keys',
      description: `Oldest first, with which one signs now; never a private key. ${ROOT_ONLY}`,
      auth: { bearer: [], rootOnly: true },
      responses: {
        200: { description: 'The stored signing keys.', schema: ref('SigningKeyList') },
      },
    },
    handle: async ({ auth, principal }) => json(200, (await listKeys(auth, await principal())).map(keyBody)),
  },
  {
    method: 'POST',
    path: '/api/v1/oauth/keys',
    doc: {
      tag: 'OAuth',
      summary: 'Rotate the signing key',
      description:
        'A new key, published in the JWKS at once and signing `activate_in_seconds` from now (default ' +
        `${DEFAULT_ACTIVATE_IN_SECONDS}, so resource servers caching the JWKS know it first; 0 signs at once). Keys ` +
        `superseded for longer than a token lives are removed. Recorded as \`signing_key.rotated\`. ${ROOT_ONLY}`,
      auth: { bearer: [], rootOnly: true },
      body: { required: false, content: { 'application/json': ref('KeyRotate') } },
      responses: {
        200: { description: 'The new key, and the keys as they are now.', schema: ref('KeyRotation') },
      },
    },
    handle: async ({ request, auth, principal }) => {
      const caller = await principal();
      const activateIn = activateInSeconds(await readJson(request));
      const result = await locatedIn('body', rotateKeys(auth, caller, activateIn));
      const keys = await listKeys(auth, caller);
      return json(200, rotationBody(result, keys));
    },
  },
];

function activateInSeconds(body: unknown): number {
  if (body === undefined || body === null) return DEFAULT_ACTIVATE_IN_SECONDS;
  const value = jsonObject(body).activate_in_seconds;
  if (value === undefined || value === null) return DEFAULT_ACTIVATE_IN_SECONDS;
  if (typeof value !== 'number') {
    throw new ValidationError([
      { loc: ['body', 'activate_in_seconds'], msg: 'Input should be a valid integer', type: 'int_type' },
    ]);
  }
  return value;
}

/** A signing key on the wire, and a rotation's answer. */
export type KeyBody = ReturnType<typeof keyBody>;
export type RotationBody = ReturnType<typeof rotationBody>;

function keyBody(key: SigningKeyView) {
  return { kid: key.kid, activates_at: isoUtc(key.activatesAt), state: key.state };
}

/** The new key (its id, when it signs, the keys that went) and the keys as they are now. */
function rotationBody(
  result: { kid: string; activatesAt: Date; removed: readonly string[] },
  keys: readonly SigningKeyView[],
) {
  return {
    kid: result.kid,
    activates_at: isoUtc(result.activatesAt),
    removed: result.removed,
    keys: keys.map(keyBody),
  };
}
