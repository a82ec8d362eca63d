import { listRoles, type Role } from '../../access/index.js';
import { builder } from '../builder.js';
import { needs } from '../describe.js';

const RoleType = builder.objectRef<Role>('Role').implement({
  description: 'A named set of scopes (Fides’ roles) that a client may hold as a whole.',
  fields: (t) => ({
    name: t.exposeString('name'),
    scopes: t.exposeStringList('scopes', { description: 'The scopes the role stands for, sorted.' }),
  }),
});

builder.queryField('roles', (t) =>
  t.field({
    type: [RoleType],
    description: `The role registry, in Fides’ order. ${needs('readRoles')} (null, with a FORBIDDEN error, without it).`,
    nullable: true,
    authScopes: { requires: 'readRoles' },
    resolve: (_root, _args, { auth, principal }) => listRoles(auth, principal),
  }),
);
