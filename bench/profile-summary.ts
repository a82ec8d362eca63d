// Sums a V8 CPU profile's self time, by function or by package:
//   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 25] [--by function|package] [--from <s>]
// `--from` skips the first seconds (start-up, module loading) so only the load shows. Used to read where a
// scenario's time goes (see BENCHMARKS.md), from a profile rather than a guess.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    by: { type: 'string', default: 'function' },
    from: { type: 'string', default: '0' },
  },
});
const [file] = positionals;
if (!file || !['function', 'package'].includes(values.by!)) {
  console.error(
    'usage: bench/profile-summary.ts <file.cpuprofile> [--top 25] [--by function|package] [--from <seconds>]',
  );
  process.exit(2);
}

/** `node_modules/<package>`, our own `src/<folder>`, `node:<module>`, or the frame's kind in parentheses. */
function packageOf(url: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const ours = /\/(src|bench)\/([^/]+)/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]!.replace(/\.ts$/, '')}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url === '' ? '(native)' : url;
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const fromMicros = Number(values.from) * 1e6;
const selfMicros = new Map<string, number>();
let elapsed = 0;
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  if (elapsed < fromMicros) return;
  const frame = byId.get(id)!.callFrame;
  const where = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
  const name = frame.functionName || '(anonymous)';
  const key =
    values.by === 'package' ? (frame.url === '' ? name : packageOf(frame.url)) : `${name}  ${where || '(native)'}`;
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  total += delta;
});
console.log(values.by === 'package' ? '| self % | package |' : '| self % | function | where |');
console.log(values.by === 'package' ? '|---:|---|' : '|---:|---|---|');
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`| ${((micros / total) * 100).toFixed(1)} | ${key.split('  ').join(' | ')} |`);
}
