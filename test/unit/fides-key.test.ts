import { describe, expect, it } from 'vitest';
import {
  DATA_CATEGORIES,
  DEFAULT_USER_DATA_CATEGORIES,
  isDataCategory,
  parentCategory,
} from '../../src/policies/data-categories.js';
import { fidesKeyProblem, keyFromName } from '../../src/policies/fides-key.js';

describe('keyFromName, as Fides’ to_snake_case', () => {
  it.each([
    // The examples of to_snake_case's docstring.
    ['foo bar', 'foo_bar'],
    ['foo\nbar', 'foo_bar'],
    ['foo\tbar', 'foo_bar'],
    ['foo-bar', 'foo_bar'],
    ['foo*bar', 'foobar'],
    // Names Fides' tests and seed use.
    ['policy 1', 'policy_1'],
    ['test create policy api', 'test_create_policy_api'],
    ['Default Access Policy', 'default_access_policy'],
    ['example access request policy', 'example_access_request_policy'],
    // Characters outside \w, whitespace and `-` are deleted, not replaced; case is only lowered.
    ['MarketingPolicy', 'marketingpolicy'],
    ['GraphQL Policy', 'graphql_policy'],
    ['  Trim me!  ', 'trim_me'],
    ['user.contact email', 'usercontact_email'],
    ['a__b', 'a__b'],
    ['a - b', 'a_b'],
    ['<html>', 'html'],
    // Python strips \x1c-\x1f as whitespace; JavaScript's trim() would not.
    ['\u001cx\u001fy', 'x_y'],
    // Transliterated first, as anyascii does.
    ['Été 2026', 'ete_2026'],
    ['Straße', 'strasse'],
    ['北京', 'beijing'],
    ['!!!', ''],
    ['***', ''],
  ])('%j → %j', (name, key) => {
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

describe('the data category taxonomy', () => {
  it('holds fideslang 3.1’s 85 categories, each parent among them', () => {
    expect(DATA_CATEGORIES).toHaveLength(85);
    expect(new Set(DATA_CATEGORIES).size).toBe(85);
    for (const key of DATA_CATEGORIES) {
      const parent = parentCategory(key);
      if (parent !== null) expect(isDataCategory(parent), key).toBe(true);
    }
    expect(parentCategory('user.contact.email')).toBe('user.contact');
    expect(parentCategory('user')).toBeNull();
    expect(isDataCategory('user.contact.email')).toBe(true);
    expect(isDataCategory('invalid_category')).toBe(false);
  });

  it('gives Fides’ 21 default user categories', () => {
    expect(DEFAULT_USER_DATA_CATEGORIES).toEqual([
      'user.account',
      'user.behavior',
      'user.biometric',
      'user.childrens',
      'user.contact',
      'user.content',
      'user.criminal_history',
      'user.demographic',
      'user.device',
      'user.government_id',
      'user.health_and_medical',
      'user.job_title',
      'user.location',
      'user.name',
      'user.privacy_preferences',
      'user.sensor',
      'user.social',
      'user.telemetry',
      'user.unique_id',
      'user.user_sensor',
      'user.workplace',
    ]);
  });
});
