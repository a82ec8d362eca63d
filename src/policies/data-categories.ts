/**
 * Fides' default data category taxonomy: the `fides_key` of every data category of fideslang 3.1.x
 * (`src/fideslang/default_taxonomy/data_categories.py` in ethyca/fideslang at commit
 * 40394c46599745a6b8f14d069889fddfa2651409), in fideslang's order. Fides checks rule targets against these (its
 * database holds them, plus any custom categories; Gatehouse has no custom taxonomy). Every category's parent is its
 * key without the last `.segment`, as in fideslang.
 */
export const DATA_CATEGORIES: readonly string[] = Object.freeze([
  'user',
  'user.account',
  'user.account.settings',
  'user.account.username',
  'user.authorization',
  'user.authorization.credentials',
  'user.authorization.biometric',
  'user.authorization.password',
  'user.behavior',
  'user.behavior.browsing_history',
  'user.behavior.media_consumption',
  'user.behavior.purchase_history',
  'user.behavior.search_history',
  'user.biometric',
  'user.biometric.fingerprint',
  'user.biometric.retinal',
  'user.biometric.voice',
  'user.biometric.health',
  'user.childrens',
  'user.contact',
  'user.contact.address',
  'user.contact.address.city',
  'user.contact.address.country',
  'user.contact.email',
  'user.contact.phone_number',
  'user.contact.url',
  'user.contact.fax_number',
  'user.contact.address.postal_code',
  'user.contact.address.state',
  'user.contact.address.street',
  'user.contact.organization',
  'user.content',
  'user.content.private',
  'user.content.public',
  'user.content.self_image',
  'user.demographic',
  'user.demographic.age_range',
  'user.demographic.date_of_birth',
  'user.demographic.gender',
  'user.demographic.language',
  'user.demographic.marital_status',
  'user.demographic.political_opinion',
  'user.demographic.profile',
  'user.demographic.race_ethnicity',
  'user.demographic.religious_belief',
  'user.demographic.sexual_orientation',
  'user.location',
  'user.location.imprecise',
  'user.location.precise',
  'user.device',
  'user.device.cookie',
  'user.device.cookie_id',
  'user.device.device_id',
  'user.device.ip_address',
  'user.payment',
  'user.social',
  'user.unique_id',
  'user.unique_id.pseudonymous',
  'user.telemetry',
  'user.user_sensor',
  'user.workplace',
  'user.sensor',
  'user.financial',
  'user.financial.bank_account',
  'user.financial.credit_card',
  'user.government_id',
  'user.government_id.birth_certificate',
  'user.government_id.drivers_license_number',
  'user.government_id.immigration',
  'user.government_id.national_identification_number',
  'user.government_id.passport_number',
  'user.government_id.vehicle_registration',
  'user.health_and_medical',
  'user.health_and_medical.genetic',
  'user.health_and_medical.insurance_beneficiary_id',
  'user.health_and_medical.record_id',
  'user.name',
  'user.name.first',
  'user.name.last',
  'user.criminal_history',
  'user.privacy_preferences',
  'user.job_title',
  'system',
  'system.authentication',
  'system.operations',
]);

const KNOWN = new Set(DATA_CATEGORIES);

export function isDataCategory(key: string): boolean {
  return KNOWN.has(key);
}

/** The category's parent in the taxonomy, or null for a top-level category. */
export function parentCategory(key: string): string | null {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? null : key.slice(0, dot);
}

/**
 * Left out of the default targets, as Fides leaves them out: organisations must be careful with these, above all
 * for erasure (Fides' `get_user_data_categories`).
 */
const EXCLUDED_FROM_DEFAULTS = ['user.financial', 'user.payment', 'user.authorization'];

/**
 * The targets of Fides' default access and erasure policies and of a policy created with `action_type`: the
 * second-level `user.*` categories but the excluded ones, sorted (21 with fideslang 3.1.x). Second level only, so
 * that no target is an ancestor of another (which an erasure rule refuses).
 */
export const DEFAULT_USER_DATA_CATEGORIES: readonly string[] = Object.freeze(
  DATA_CATEGORIES.filter(
    (key) =>
      key.startsWith('user.') &&
      key.split('.').length === 2 &&
      !EXCLUDED_FROM_DEFAULTS.some((excluded) => key === excluded || key.startsWith(`${excluded}.`)),
  ).sort(),
);
