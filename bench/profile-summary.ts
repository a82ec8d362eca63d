// Sums a V8 CPU profile's self time by function: `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`.
// Used to read where a scenario's time goes (see BENCHMARKS.md), from a profile rather than a guess.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const frame = byId.get(id)!.callFrame;
  const where = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
  const key = `${frame.functionName || '(anonymous)'}  ${where || '(native)'}`;
  const delta = profile.timeDeltas[index] ?? 0;
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  total += delta;
});
console.log('| self % | function | where |');
console.log('|---:|---|---|');
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  const [name, where] = key.split('  ');
  console.log(`| ${((micros / total) * 100).toFixed(1)} | ${name} | ${where} |`);
}
