// Issue #15's targets, read off one run's rows: each ratio is taken within the run (the machine's speed drifts
// between runs), at every connection count both sides were measured at.

export interface Row {
  target: string;
  scenario: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Peak RSS of the server so far; for the idle row, its RSS at that moment. */
  rssMb: number;
  /** Served from the warm paths (the failed grants pay argon2id every time; the RSS rows are no load at all). */
  warm: boolean;
}

export interface TargetRow {
  measure: string;
  measured: string;
  target: string;
  verdict: 'held' | 'missed' | 'not run';
}

const POSTGRES = 'Gatehouse, PostgreSQL, compiled';
const PGLITE = 'Gatehouse, PGlite, npm start';
const GRANT = 'token grant, 10 clients';

const find = (rows: readonly Row[], target: string, scenario: string, connections?: number) =>
  rows.filter(
    (row) =>
      row.target === target &&
      row.scenario === scenario &&
      (connections === undefined || row.connections === connections),
  );

/** `a ÷ b` at every connection count both were run at, e.g. `2.14× (c16), 1.98× (c64)`, and whether all reach `min`. */
function ratio(
  measure: string,
  target: string,
  min: number,
  rows: readonly Row[],
  numerator: { target: string; scenario: string },
  denominator: { target: string; scenario: string },
): TargetRow {
  const pairs = find(rows, numerator.target, numerator.scenario).flatMap((top) =>
    find(rows, denominator.target, denominator.scenario, top.connections).map((bottom) => ({
      connections: top.connections,
      value: top.rps / bottom.rps,
    })),
  );
  if (pairs.length === 0) return { measure, measured: '', target, verdict: 'not run' };
  const digits = min < 1 ? 3 : 2;
  return {
    measure,
    measured: pairs.map((pair) => `${pair.value.toFixed(digits)}× (c${pair.connections})`).join(', '),
    target,
    verdict: pairs.every((pair) => pair.value >= min) ? 'held' : 'missed',
  };
}

function memory(measure: string, max: number, row: Row | undefined): TargetRow {
  const target = `≤ ${max} MB`;
  if (!row) return { measure, measured: '', target, verdict: 'not run' };
  return { measure, measured: `${row.rssMb} MB`, target, verdict: row.rssMb <= max ? 'held' : 'missed' };
}

export function targetRows(rows: readonly Row[]): TargetRow[] {
  const gatehouseGrant = { target: POSTGRES, scenario: GRANT };
  const slowest = rows
    .filter((row) => row.target.startsWith('Gatehouse') && row.warm && row.connections === 64)
    .sort((a, b) => b.p99 - a.p99);
  const worst = slowest[0];
  return [
    ratio('grants/s ÷ oidc-provider, JWT tokens', '≥ 2×', 2, rows, gatehouseGrant, {
      target: 'oidc-provider, jwt tokens',
      scenario: 'token grant',
    }),
    ratio('grants/s ÷ oidc-provider, opaque tokens', '≥ 1.2×', 1.2, rows, gatehouseGrant, {
      target: 'oidc-provider, opaque tokens',
      scenario: 'token grant',
    }),
    ratio('warm grant ÷ bare node:http fixed JSON', '≥ 0.2', 0.2, rows, gatehouseGrant, {
      target: 'bare node:http',
      scenario: 'fixed JSON',
    }),
    memory('peak RSS, PostgreSQL, compiled, whole bench', 160, find(rows, POSTGRES, 'whole bench (peak RSS)')[0]),
    memory('peak RSS, embedded PGlite, `npm start` + bench', 300, find(rows, PGLITE, 'whole bench (peak RSS)')[0]),
    memory(
      'idle RSS after start, embedded',
      150,
      find(rows, PGLITE, 'idle after start (current RSS, no request yet)')[0],
    ),
    ...[
      [POSTGRES, 'PostgreSQL'],
      [PGLITE, 'PGlite'],
    ].map(([target, database]) =>
      ratio(
        `authenticated read ÷ the same read without a token (\`{ __typename }\`, ${database})`,
        '≥ 0.97',
        0.97,
        rows,
        { target: target!, scenario: 'GraphQL { __typename }, with token' },
        { target: target!, scenario: 'GraphQL { __typename }, no token' },
      ),
    ),
    worst
      ? {
          measure: 'p99 of every warm scenario at 64 connections',
          measured: `${worst.p99} ms at most (${worst.target}: ${worst.scenario}); ${slowest.filter((row) => row.p99 > 15).length} of ${slowest.length} over 15 ms`,
          target: '≤ 15 ms',
          verdict: worst.p99 <= 15 ? 'held' : 'missed',
        }
      : {
          measure: 'p99 of every warm scenario at 64 connections',
          measured: '',
          target: '≤ 15 ms',
          verdict: 'not run',
        },
  ];
}
