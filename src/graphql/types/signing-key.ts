import {
  DEFAULT_ACTIVATE_IN_SECONDS,
  listKeys,
  rotateKeys,
  type RotationResult,
  type SigningKeyView,
} from '../../tokens/index.js';
import { builder } from '../builder.js';

// The operator's view of the signing keys, the REST `/api/v1/oauth/keys` routes' twins: the root client's alone
// (no scope opens them), enforced by the use cases.

const SigningKey = builder.objectRef<SigningKeyView>('SigningKey').implement({
  description: 'A token-signing key; never its private half.',
  fields: (t) => ({
    kid: t.exposeString('kid'),
    activatesAt: t.expose('activatesAt', { type: 'DateTime', description: 'When it signs (or began to sign).' }),
    state: t.exposeString('state', {
      description:
        '`signing`: signs new tokens now; `pending`: published, signs from `activatesAt`; `verifying`: superseded, ' +
        'still verifies the tokens it signed.',
    }),
  }),
});

const SigningKeyRotation = builder
  .objectRef<RotationResult & { keys: SigningKeyView[] }>('SigningKeyRotation')
  .implement({
    description: 'A key rotated in, and the keys as they are now.',
    fields: (t) => ({
      kid: t.exposeString('kid', { description: 'The new key.' }),
      activatesAt: t.expose('activatesAt', { type: 'DateTime' }),
      removed: t.exposeStringList('removed', { description: 'Keys removed: every token they signed has expired.' }),
      keys: t.field({ type: [SigningKey], resolve: (rotation) => rotation.keys }),
    }),
  });

builder.queryField('signingKeys', (t) =>
  t.field({
    type: [SigningKey],
    nullable: true,
    description: 'The stored signing keys, oldest first, with which one signs now. The root client only.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, { auth, principal }) => listKeys(auth, principal),
  }),
);

builder.mutationField('rotateSigningKey', (t) =>
  t.field({
    type: SigningKeyRotation,
    description:
      'A new signing key, published in the JWKS at once and signing `activateInSeconds` from now (default ' +
      `${DEFAULT_ACTIVATE_IN_SECONDS}; 0 signs at once). Keys superseded for longer than a token lives are removed. ` +
      'The root client only.',
    authScopes: { authenticated: true },
    args: { activateInSeconds: t.arg.int() },
    resolve: async (_root, args, { auth, principal }) => {
      const rotation = await rotateKeys(auth, principal, args.activateInSeconds ?? DEFAULT_ACTIVATE_IN_SECONDS);
      return { ...rotation, keys: await listKeys(auth, principal) };
    },
  }),
);
