// The README, followed top to bottom by a newcomer: every `sh` block runs in order in one shell (so the variables
// one block sets are there for the next), against a real server started as `npm start` starts it, in a folder that
// looks like a checkout; every `graphql` block runs against /graphql; every `js` block runs with node. A block that
// cannot run here says why in a `<!-- readme-test: skip (reason) -->` line just above it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/cluster/free-port.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT_DIR, 'README.md'), 'utf8');

interface Block {
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly skip: string | null;
}

/** The fenced blocks of a Markdown text, with the skip reason written above each. */
function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed fence`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const skip = /^<!-- readme-test: skip \((.+)\) -->$/.exec(lines[before] ?? '');
    blocks.push({ lang: open[1]!, code: lines.slice(i + 1, end).join('\n'), line: i + 1, skip: skip?.[1] ?? null });
    i = end;
  }
  return blocks;
}

const BLOCKS = fencedBlocks(README);

/** What the graphql blocks' answers are read for. */
interface GraphQLAnswer {
  data?: { issueToken?: { accessToken: string }; createClient?: { clientId: string } } | null;
  errors?: unknown[];
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('README.md', () => {
  it('marks every block it does not run with a reason, and runs sh, graphql and js blocks only', () => {
    const languages = new Set(BLOCKS.filter((block) => !block.skip).map((block) => block.lang));
    // json is an answer, toml a configuration file, and the unlabelled block the layout: none is a command.
    for (const lang of languages) expect(['sh', 'graphql', 'js', 'json', 'toml', '']).toContain(lang);
    expect(BLOCKS.filter((block) => block.lang === 'sh' && !block.skip).length).toBeGreaterThan(15);
  });

  describe('followed top to bottom against a server started as `npm start` starts it', () => {
    let dir: string;
    let server: ServerProcess;
    let origin: string;

    beforeAll(async () => {
      // A folder that looks like a checkout after `npm ci`, so that `npm run cli` and `.fides/data` resolve there.
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
      for (const entry of ['package.json', 'node_modules', 'src', 'tsconfig.json'])
        symlinkSync(join(ROOT_DIR, entry), join(dir, entry));
      const port = await freePort();
      server = startServerProcess(dir, { PORT: String(port) });
      await server.listening;
      origin = `localhost:${port}`;
    });
    afterAll(async () => {
      server?.child.kill('SIGTERM');
      await server?.exited;
      rmSync(dir, { recursive: true, force: true });
    });

    const here = (code: string) => code.replaceAll('localhost:8080', origin);
    const root = () => {
      const secrets = readFileSync(join(dir, '.fides/data/secrets.toml'), 'utf8');
      const value = (key: string) => new RegExp(`^${key} = "(.*)"$`, 'm').exec(secrets)![1]!;
      return { id: value('oauth_root_client_id'), secret: value('oauth_root_client_secret') };
    };

    it('runs every sh block in order, each command succeeding (curl with --fail-with-body)', async () => {
      const script = [
        'set -eo pipefail',
        'curl() { command curl --fail-with-body --silent --show-error "$@"; }',
        'trap \'echo "README.md: the block at line $BLOCK failed" >&2\' ERR',
        ...BLOCKS.filter((block) => block.lang === 'sh' && !block.skip).map(
          (block) => `BLOCK=${block.line}\necho "--- README.md:${block.line}"\n${here(block.code)}`,
        ),
      ].join('\n');
      writeFileSync(join(dir, 'readme.sh'), script);
      const { code, output } = await run('bash', ['readme.sh'], dir);
      // On failure, the end of the output: the failing block's line and what it printed.
      expect({ code, output: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, output: '' });
    }, 120_000);

    it('runs every graphql block in order with a token issued by the first, without an error', async () => {
      const { id, secret } = root();
      const post = async (query: string, operationName: string | undefined, token?: string) => {
        const response = await fetch(`http://${origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, operationName }),
        });
        return { status: response.status, body: (await response.json()) as GraphQLAnswer };
      };
      const blocks = BLOCKS.filter((block) => block.lang === 'graphql' && !block.skip);
      expect(blocks[0]!.code).toContain('issueToken');
      let token = '';
      let spareToken = '';
      let created = '';
      for (const block of blocks) {
        // "…" stands for a value the reader has: the root credentials for issueToken, then the client the examples
        // created; revokeToken gets a token of its own, so that the examples after it keep theirs.
        const fill = () =>
          block.code
            .replace(/clientId: "…", clientSecret: "…"/, `clientId: "${id}", clientSecret: "${secret}"`)
            .replaceAll('clientId: "…"', `clientId: "${created}"`)
            .replaceAll('token: "…"', `token: "${spareToken}"`);
        // A block may hold several operations, each named: run each, as GraphiQL's picker would, in order, with the
        // values the operations before it produced.
        const names = parse(block.code).definitions.map(
          (definition) => (definition as OperationDefinitionNode).name?.value,
        );
        for (const operationName of names) {
          const query = fill();
          const answer = await post(query, operationName, token);
          expect({ line: block.line, operationName, status: answer.status, errors: answer.body.errors }).toEqual({
            line: block.line,
            operationName,
            status: 200,
            errors: undefined,
          });
          const { issueToken, createClient } = answer.body.data ?? {};
          if (issueToken) {
            token = issueToken.accessToken;
            spareToken = (await post(query, operationName)).body.data!.issueToken!.accessToken;
          }
          if (createClient) created = createClient.clientId;
        }
      }
      expect(created).not.toBe('');
    });

    it('runs every js block with node, as the README says to', async () => {
      const { id, secret } = root();
      const blocks = BLOCKS.filter((block) => block.lang === 'js' && !block.skip);
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        writeFileSync(join(dir, 'client.mjs'), here(block.code));
        const { code, output } = await run(process.execPath, ['client.mjs'], dir, { ID: id, SECRET: secret });
        expect({ line: block.line, code, output }).toEqual({ line: block.line, code: 0, output: `${id} scope:read\n` });
      }
    });
  });
});
