import { CONFIG_KEYS, fidesName, type ConfigKey, type KeyName, type TomlValue } from './keys.js';

/** The generated section runs from the line that starts with this to the end marker's line, both included. */
const BEGIN = '<!-- config:begin';
const END = '<!-- config:end -->';
const BEGIN_LINE = `${BEGIN}: generated from CONFIG_KEYS in src/config/keys.ts by \`npm run docs:emit\`; edit it there -->`;

/** The README's configuration table, one row per key in table order; keys kept only for old files get none. */
export function renderConfigTable(): string {
  const rows = (Object.keys(CONFIG_KEYS) as KeyName[])
    .filter((name) => CONFIG_KEYS[name].replacedBy === undefined)
    .map((name) => {
      const spec: ConfigKey<unknown> = CONFIG_KEYS[name];
      const [section, key] = name.split('.') as [string, string];
      const env = [fidesName(name), ...(spec.aliases ?? [])].map((variable) => `\`${variable}\``).join(', ');
      const cells = [
        `\`[${section}] ${key}\``,
        spec.envForm ? `${env} (${spec.envForm})` : env,
        shownDefault(spec),
        spec.doc,
      ];
      return `| ${cells.map(escapeCell).join(' | ')} |`;
    });
  return ['| key | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** `readme` with its configuration section regenerated; it must hold the markers exactly once. */
export function withConfigTable(readme: string): string {
  const lines = readme.split('\n');
  const begin = lines.findIndex((line) => line.startsWith(BEGIN));
  const end = lines.indexOf(END);
  const markers = lines.filter((line) => line.startsWith(BEGIN) || line === END).length;
  if (begin < 0 || end < begin || markers !== 2) {
    throw new Error(`README.md needs one "${BEGIN} … -->" line and, after it, one "${END}" line`);
  }
  // Blank lines around the table: a table that touches an HTML comment may not render as one.
  const section = [BEGIN_LINE, '', renderConfigTable(), '', END];
  return [...lines.slice(0, begin), ...section, ...lines.slice(end + 1)].join('\n');
}

function shownDefault(spec: ConfigKey<unknown>): string {
  if (spec.default === undefined) return spec.shownDefault;
  const literal = `\`${tomlLiteral(spec.default)}\``;
  return spec.defaultNote ? `${literal} (${spec.defaultNote})` : literal;
}

/** Strings bare (`10/minute`, as a reader types them after `=` in quotes or in the environment); lists as in TOML. */
function tomlLiteral(value: TomlValue): string {
  return Array.isArray(value) ? `[${value.map((item) => JSON.stringify(item)).join(', ')}]` : String(value);
}

/** GitHub's tables split cells on `|` even inside code spans. */
function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}
