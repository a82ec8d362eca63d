import { describe, expect, it } from 'vitest';
import { fidesKeyProblem, keyFromName } from '../../src/policies/fides-key.js';

describe('keyFromName', () => {
  it.each([
    ['Default Access Policy', 'default_access_policy'],
    ['MarketingPolicy', 'marketing_policy'],
    ['GraphQL Policy', 'graphql_policy'],
    ['  Trim me!  ', 'trim_me'],
    ['user.contact email', 'user.contact_email'],
    ['Été 2026', 't_2026'],
    ['!!!', ''],
  ])('%s → %s', (name, key) => {
    expect(keyFromName(name)).toBe(key);
  });
});

describe('fidesKeyProblem', () => {
  it('accepts the FidesKey alphabet and refuses the rest', () => {
    expect(fidesKeyProblem('a.b_c<d>-1')).toBeNull();
    expect(fidesKeyProblem('a b')).toBe(
      "FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: a b",
    );
    expect(fidesKeyProblem('x'.repeat(201))).toMatch(/^FidesKeys must be at most 200 characters/);
  });
});
