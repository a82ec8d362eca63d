// The deployment files (Dockerfile, .dockerignore, compose.yaml, deploy/) are never run here: Docker cannot run on
// these machines. This file checks what can drift between them and the server: the environment variables they set
// (names from CONFIG_KEYS, values the loader accepts, secrets left as placeholders), the command the image runs
// against the one CI's smoke test runs, the health paths they probe (asked of the real app), and the balancer's view
// of the replicas. Break any of those files and a test here fails.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proxyAddr from 'proxy-addr';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { CONFIG_KEYS, ConfigError, envNames, loadConfig, type KeyName } from '../../src/config/index.js';
import { useTestApp } from '../helpers/use-test-app.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** Every variable the loader reads: src/config/load.ts reads each key of CONFIG_KEYS from `envNames(key)`. */
const GATEHOUSE_VARIABLES: ReadonlySet<string> = new Set(
  (Object.keys(CONFIG_KEYS) as KeyName[]).flatMap((name) => envNames(name)),
);

/** The variables of the other images in compose.yaml, each one on purpose. A new service must be listed here. */
const OTHER_SERVICES: Record<string, readonly string[]> = {
  postgres: ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'],
  redis: [],
  haproxy: [],
};

/** Variables the image sets that are not Gatehouse configuration. */
const IMAGE_VARIABLES: readonly string[] = ['NODE_OPTIONS'];

/** Values whose committed form must be a `<…>` placeholder. */
const SECRET_VARIABLES = [
  'FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET',
  'FIDES__SECURITY__APP_ENCRYPTION_KEY',
  'FIDES__DATABASE__URL',
  'POSTGRES_PASSWORD',
];

/** What an operator puts in place of each placeholder; a placeholder in any other variable fails the test. */
const FILLED_IN: Record<string, string> = {
  FIDES__SECURITY__OAUTH_ROOT_CLIENT_ID: 'gatehouse-root',
  FIDES__SECURITY__OAUTH_ROOT_CLIENT_SECRET: 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5',
  FIDES__SECURITY__APP_ENCRYPTION_KEY: 'c2VjcmV0LWVuY3J5cHRpb24ta2V5LTMy',
  FIDES__DATABASE__URL: 'postgresql://gatehouse:0123456789abcdef@db.internal:5432/gatehouse',
};

const PLACEHOLDER = /<[^<>]+>/;

// ---------------------------------------------------------------------------------------------------------------
// Readers for each format: only as much of it as these files use.

type Env = Record<string, string>;

/** `NAME=value` lines, as compose reads an env file; blank lines and `#` comments skipped. */
function parseEnvFile(text: string): Env {
  const env: Env = {};
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const match = /^\s*([^=\s]+)=(.*)$/.exec(line);
    if (!match) throw new Error(`not a NAME=value line: ${line}`);
    env[match[1]!] = match[2]!;
  }
  return env;
}

interface ComposeService {
  build?: string | { context?: string };
  image?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | (string | { path: string })[];
  deploy?: { replicas?: number };
  scale?: number;
  ports?: (string | number)[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
}

const compose = parseYaml(read('compose.yaml')) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
/** The services built from this repository's Dockerfile. */
const gatehouseServices = services.filter(([, service]) => service.build !== undefined);

function composeEnvironment(service: ComposeService): Env {
  const { environment } = service;
  if (!environment) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((item) => [item.split('=')[0]!, item.slice(item.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value ?? '')]));
}

/** A service's env files as committed: the real ones are git-ignored, so their `.example` twin is what is read. */
function composeEnvFiles(service: ComposeService): { path: string; env: Env }[] {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  return files.map((file) => {
    const path = `${typeof file === 'string' ? file : file.path}.example`;
    expect(existsSync(new URL(path, ROOT)), `${path} (the committed example of a git-ignored env file)`).toBe(true);
    return { path, env: parseEnvFile(read(path)) };
  });
}

/** Everything a compose service's containers get: its env files, then its `environment` (which wins). */
function composeServiceEnv(service: ComposeService): Env {
  return Object.assign({}, ...composeEnvFiles(service).map((file) => file.env), composeEnvironment(service));
}

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    replicas?: number;
    /** A Service's selector is the labels themselves; a Deployment's or a PDB's is under matchLabels. */
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec: { containers: K8sContainer[]; initContainers?: K8sContainer[] };
    };
  };
}
interface K8sProbe {
  httpGet?: { path?: string };
}
interface K8sContainer {
  name: string;
  env?: { name: string; valueFrom?: { configMapKeyRef?: { name: string }; secretKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: K8sProbe;
  readinessProbe?: K8sProbe;
  livenessProbe?: K8sProbe;
}

const K8S_DIR = 'deploy/kubernetes/';
const k8sObjects: (K8sObject & { file: string })[] = readdirSync(new URL(K8S_DIR, ROOT))
  .filter((file) => /\.(ya?ml|json)$/.test(file))
  .flatMap((file) =>
    parseAllDocuments(read(K8S_DIR + file))
      .map((doc) => doc.toJS() as K8sObject | null)
      .filter((object) => object !== null)
      .map((object) => ({ ...object, file: K8S_DIR + file })),
  );
const k8sOfKind = (kind: string) => k8sObjects.filter((object) => object.kind === kind);
const deployments = k8sOfKind('Deployment');
const containersOf = (deployment: K8sObject) => [
  ...(deployment.spec?.template?.spec.containers ?? []),
  ...(deployment.spec?.template?.spec.initContainers ?? []),
];
const k8sValues = (object: K8sObject): Env => ({ ...object.data, ...object.stringData });

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions: continuation lines joined, comments dropped. */
function dockerfileInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += ` ${line.replace(/\\\s*$/, '').trim()}`;
    if (continued) continue;
    const match = /^(\S+)\s*(.*)$/.exec(pending.trim());
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]! });
    pending = '';
  }
  return instructions;
}

/** The instructions of the image that is shipped: those after the last FROM. */
const finalStage = (() => {
  const instructions = dockerfileInstructions(read('Dockerfile'));
  const from = instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  expect(from, 'a FROM in the Dockerfile').toBeGreaterThanOrEqual(0);
  return instructions.slice(from + 1);
})();
const lastOf = (keyword: string) => finalStage.filter((instruction) => instruction.keyword === keyword).at(-1);

/** An exec-form (JSON array) argument list; the shell form would put /bin/sh between Docker and the command. */
function execForm(args: string, what: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`${what} must be in exec form (a JSON array), got: ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`${what} must be a JSON array of strings, got: ${args}`);
  }
  return parsed;
}

/** `ENV A=1 B="two words"`, or the older `ENV A value`. */
function envInstructionNames(args: string): string[] {
  if (/^[^\s=]+\s/.test(args) && !/^[^\s=]+=/.test(args)) return [args.split(/\s/)[0]!];
  return [...args.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((match) => match[1]!);
}

/** `/health…` paths named in a command line (an HTTP health check written as a command). */
const healthPathsIn = (command: string) => [...command.matchAll(/\/health[^\s'"`)]*/g)].map((match) => match[0]);

interface HaproxySection {
  kind: string;
  name: string;
  lines: string[][];
}

function haproxySections(text: string): HaproxySection[] {
  const sections: HaproxySection[] = [];
  const kinds = ['global', 'defaults', 'frontend', 'backend', 'listen', 'resolvers', 'peers', 'userlist', 'program'];
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (kinds.includes(words[0]!)) sections.push({ kind: words[0]!, name: words[1] ?? '', lines: [] });
    else sections.at(-1)?.lines.push(words);
  }
  return sections;
}

const haproxy = haproxySections(read('deploy/haproxy.cfg'));

/** The backend that the (one) frontend sends requests to. */
const haproxyBackend = (() => {
  const frontends = haproxy.filter((section) => section.kind === 'frontend');
  expect(frontends, 'one frontend in deploy/haproxy.cfg').toHaveLength(1);
  const name = frontends[0]!.lines.find((words) => words[0] === 'default_backend')?.[1];
  const backend = haproxy.find((section) => section.kind === 'backend' && section.name === name);
  if (!backend) throw new Error(`deploy/haproxy.cfg: no backend ${name} (the frontend's default_backend)`);
  return backend;
})();

/** Its servers: one per `server` line, n per `server-template <prefix> <n | first-last> <address>`. */
function haproxyServers(backend: HaproxySection): { count: number; host: string }[] {
  return backend.lines.flatMap((words) => {
    const hostOf = (address: string) => address.replace(/:\d+$/, '');
    if (words[0] === 'server') return [{ count: 1, host: hostOf(words[2]!) }];
    if (words[0] === 'server-template') {
      const range = /^(\d+)(?:-(\d+))?$/.exec(words[2]!);
      if (!range) throw new Error(`server-template: bad count ${words[2]}`);
      const count = range[2] === undefined ? Number(range[1]) : Number(range[2]) - Number(range[1]) + 1;
      return [{ count, host: hostOf(words[3]!) }];
    }
    return [];
  });
}

/** The path of its HTTP health check: `http-check send … uri <path>` or `option httpchk [<method>] <uri>`. */
function haproxyCheckPath(backend: HaproxySection): string | undefined {
  for (const words of backend.lines) {
    if (words[0] === 'http-check' && words[1] === 'send') {
      const uri = words.indexOf('uri');
      if (uri >= 0) return words[uri + 1];
    }
    if (words[0] === 'option' && words[1] === 'httpchk' && words.length > 2) return words.at(-1);
  }
  return undefined;
}

/** A config from an explicit environment, as the server would load it, with the warnings it would log. */
function load(env: Env): { config: ReturnType<typeof loadConfig>; warnings: string[] } {
  const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-deploy-'));
  try {
    const warnings: string[] = [];
    const config = loadConfig({ env, cwd, warn: (message) => warnings.push(message) });
    return { config, warnings };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The environment with each placeholder replaced as an operator would; a placeholder elsewhere is a mistake. */
function filledIn(env: Env, where: string): Env {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      if (!PLACEHOLDER.test(value)) return [name, value];
      expect(FILLED_IN, `${where}: ${name} holds a placeholder`).toHaveProperty([name]);
      return [name, FILLED_IN[name]!];
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------

describe('every environment variable the deployment files set', () => {
  it('is a Gatehouse configuration name (CONFIG_KEYS) in the compose services built from the Dockerfile', () => {
    expect(gatehouseServices.length, 'a compose service with `build:`').toBeGreaterThan(0);
    for (const [name, service] of gatehouseServices) {
      for (const variable of Object.keys(composeEnvironment(service))) {
        expect(GATEHOUSE_VARIABLES, `compose.yaml ${name}.environment`).toContain(variable);
      }
      const files = composeEnvFiles(service);
      expect(files.length, `compose.yaml ${name}: the secrets come from an env file`).toBeGreaterThan(0);
      for (const { path, env } of files) {
        for (const variable of Object.keys(env)) expect(GATEHOUSE_VARIABLES, path).toContain(variable);
      }
    }
  });

  it("is one the other compose services' images read, whitelisted per service", () => {
    for (const [name, service] of services.filter(([, service]) => service.build === undefined)) {
      expect(OTHER_SERVICES, `compose.yaml: service ${name} is not in this test's OTHER_SERVICES`).toHaveProperty([
        name,
      ]);
      for (const variable of Object.keys(composeServiceEnv(service))) {
        expect(OTHER_SERVICES[name], `compose.yaml ${name}`).toContain(variable);
      }
    }
  });

  it('is a Gatehouse configuration name in the Kubernetes ConfigMap, Secret and Deployment', () => {
    const sources = [...k8sOfKind('ConfigMap'), ...k8sOfKind('Secret')];
    expect(sources.map((object) => object.kind).sort()).toEqual(['ConfigMap', 'Secret']);
    for (const object of sources) {
      for (const variable of Object.keys(k8sValues(object))) {
        expect(GATEHOUSE_VARIABLES, `${object.file} (${object.kind} ${object.metadata.name})`).toContain(variable);
      }
    }
    expect(deployments).toHaveLength(1);
    for (const container of containersOf(deployments[0]!)) {
      for (const { name, valueFrom } of container.env ?? []) {
        expect(GATEHOUSE_VARIABLES, `Deployment container ${container.name} env`).toContain(name);
        const ref = valueFrom?.configMapKeyRef ?? valueFrom?.secretKeyRef;
        if (ref)
          expect(
            sources.map((object) => object.metadata.name),
            name,
          ).toContain(ref.name);
      }
      // envFrom takes every key of a ConfigMap or Secret, so each one it names must be one of those checked above.
      for (const from of container.envFrom ?? []) {
        const [kind, ref] = from.configMapRef ? ['ConfigMap', from.configMapRef] : ['Secret', from.secretRef];
        expect(
          k8sOfKind(kind!).map((object) => object.metadata.name),
          `envFrom ${kind} in ${K8S_DIR}`,
        ).toContain(ref?.name);
      }
    }
  });

  it('is a Gatehouse configuration name, or whitelisted, in the image itself', () => {
    for (const instruction of finalStage.filter(({ keyword }) => keyword === 'ENV')) {
      for (const variable of envInstructionNames(instruction.args)) {
        expect([...GATEHOUSE_VARIABLES, ...IMAGE_VARIABLES], `Dockerfile ENV`).toContain(variable);
      }
    }
  });
});

describe('the values the deployment files set', () => {
  it('size V8’s heap in the image as `npm start` and `npm run start:prod` do', () => {
    const packageJson = JSON.parse(read('package.json')) as {
      config: { node_options: string };
      scripts: Record<string, string>;
    };
    const fallback = 'NODE_OPTIONS="${NODE_OPTIONS:-$npm_package_config_node_options}" exec node ';
    expect(packageJson.scripts.start).toContain(fallback);
    expect(packageJson.scripts['start:prod']).toContain(fallback);
    const set = finalStage
      .filter(({ keyword }) => keyword === 'ENV')
      .map(({ args }) => /^NODE_OPTIONS="([^"]*)"$/.exec(args)?.[1])
      .filter((value) => value !== undefined);
    expect(set).toEqual([packageJson.config.node_options]);
  });

  const gatehouseEnvironments = (): { where: string; env: Env }[] => [
    ...gatehouseServices.map(([name, service]) => ({ where: `compose.yaml ${name}`, env: composeServiceEnv(service) })),
    {
      where: K8S_DIR,
      env: Object.assign({}, ...[...k8sOfKind('ConfigMap'), ...k8sOfKind('Secret')].map(k8sValues)) as Env,
    },
  ];

  it('are placeholders wherever they are secret, and refuse to start as committed', () => {
    const committed = [
      ...services.flatMap(([, service]) => composeEnvFiles(service)),
      ...k8sOfKind('Secret').map((object) => ({ path: object.file, env: k8sValues(object) })),
    ];
    for (const { path, env } of committed) {
      for (const variable of SECRET_VARIABLES.filter((name) => name in env)) {
        expect(env[variable], `${path}: ${variable}`).toMatch(PLACEHOLDER);
      }
    }
    for (const { where, env } of gatehouseEnvironments()) {
      expect(() => load(env), where).toThrow(ConfigError);
    }
  });

  it('load without an error or a warning once the placeholders are filled in', () => {
    for (const { where, env } of gatehouseEnvironments()) {
      const { config, warnings } = load(filledIn(env, where));
      expect(warnings, where).toEqual([]);
      // The secrets a cluster needs identical everywhere are configured, never generated per process.
      expect(config.security.generated, where).toBeNull();
      expect(config.database.kind, where).toBe('postgresql');
    }
  });

  it("make the compose replicas trust the balancer's X-Forwarded-For, and only its own address", () => {
    const networks = compose.services.haproxy?.networks;
    const addresses =
      networks && !Array.isArray(networks)
        ? Object.values(networks).flatMap((network) => (network?.ipv4_address ? [network.ipv4_address] : []))
        : [];
    expect(addresses.length, 'compose.yaml: the haproxy service has a fixed ipv4_address').toBeGreaterThan(0);
    expect(
      haproxy.some((section) => section.lines.some((words) => words[0] === 'option' && words[1] === 'forwardfor')),
      'deploy/haproxy.cfg: option forwardfor',
    ).toBe(true);
    for (const [name, service] of gatehouseServices) {
      const trusted = load(filledIn(composeServiceEnv(service), name)).config.security.trustedProxies;
      expect(Array.isArray(trusted), `${name}: trusted_proxies lists addresses rather than counting hops`).toBe(true);
      const trust = proxyAddr.compile([...(trusted as string[])]);
      for (const address of addresses) {
        expect(trust(address, 0), `${name} trusts the balancer at ${address}`).toBe(true);
        // Nor its neighbours: another container on the network must not pass for the balancer.
        const neighbour = address.replace(/\d+$/, (last) => String((Number(last) + 1) % 256));
        expect(trust(neighbour, 0), `${name} trusts ${neighbour} too`).toBe(false);
      }
    }
  });
});

describe('the image', () => {
  /** What CI's production smoke test starts (.ci/run): the one line whose command is `node <file>.js`. */
  const ciCommand = () => {
    const lines = [...read('.ci/run').matchAll(/^\s*node\s+(\S+\.js)\b/gm)];
    expect(
      lines.map((match) => match[0].trim()),
      '.ci/run: one `node <file>.js` line',
    ).toHaveLength(1);
    return ['node', lines[0]![1]!];
  };

  it("runs exactly what CI's production smoke test runs, as PID 1", () => {
    expect(ciCommand()).toEqual(['node', 'dist/src/server/main.js']);
    const entrypoint = lastOf('ENTRYPOINT');
    const cmd = lastOf('CMD');
    // Without its own ENTRYPOINT the image inherits the base image's (node's docker-entrypoint.sh).
    expect(entrypoint, 'an ENTRYPOINT in the final stage').toBeDefined();
    expect(cmd, 'a CMD in the final stage').toBeDefined();
    const command = [...execForm(entrypoint!.args, 'ENTRYPOINT'), ...execForm(cmd!.args, 'CMD')];
    expect(command).toEqual(ciCommand());
  });

  it('runs as a non-root user, with a health check', () => {
    const user = lastOf('USER')?.args.split(':')[0];
    expect(user, 'USER in the final stage').toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const healthcheck = lastOf('HEALTHCHECK');
    expect(healthcheck, 'HEALTHCHECK in the final stage').toBeDefined();
    const [, command] = /\bCMD\s+(.*)$/.exec(healthcheck!.args) ?? [];
    expect(command, 'HEALTHCHECK … CMD').toBeDefined();
    execForm(command!, 'HEALTHCHECK CMD');
  });
});

describe('health checks and probes', () => {
  /** Every health path a file uses, and what it is used for. */
  const probes = (): { where: string; path: string | undefined; role: 'live' | 'ready' }[] => {
    const dockerCommand = lastOf('HEALTHCHECK')?.args ?? '';
    const probes: { where: string; path: string | undefined; role: 'live' | 'ready' }[] = [
      { where: 'Dockerfile HEALTHCHECK', path: healthPathsIn(dockerCommand)[0], role: 'live' },
      { where: 'deploy/haproxy.cfg', path: haproxyCheckPath(haproxyBackend), role: 'ready' },
    ];
    for (const container of deployments.flatMap(containersOf)) {
      const where = `${K8S_DIR} Deployment container ${container.name}`;
      probes.push(
        { where: `${where} startupProbe`, path: container.startupProbe?.httpGet?.path, role: 'live' },
        { where: `${where} livenessProbe`, path: container.livenessProbe?.httpGet?.path, role: 'live' },
        { where: `${where} readinessProbe`, path: container.readinessProbe?.httpGet?.path, role: 'ready' },
      );
    }
    return probes;
  };

  it('use /health to see the process answer, and /health/ready to send it traffic', () => {
    expect(deployments.flatMap(containersOf).length).toBeGreaterThan(0);
    for (const { where, path, role } of probes()) {
      // Liveness never asks the database: an outage must take pods out of rotation, not restart them all.
      expect(path, where).toBe(role === 'live' ? '/health' : '/health/ready');
    }
  });

  describe('against the server', () => {
    const t = useTestApp({}, { root: false });

    it('each path they use answers 200', async () => {
      const paths = new Set(probes().map((probe) => probe.path));
      expect(paths.size).toBeGreaterThan(0);
      for (const path of paths) {
        expect(path, 'a probe without a path').toBeDefined();
        const response = await t.app.fetch(path!);
        expect(response.status, path).toBe(200);
      }
    });
  });
});

describe('the balancer', () => {
  it('has one server slot per compose replica, each on a service built from the Dockerfile', () => {
    const replicas = gatehouseServices
      .map(([, service]) => service.deploy?.replicas ?? service.scale ?? 1)
      .reduce((a, b) => a + b, 0);
    const servers = haproxyServers(haproxyBackend);
    expect(servers.length, `deploy/haproxy.cfg backend ${haproxyBackend.name}: its servers`).toBeGreaterThan(0);
    expect(servers.reduce((sum, server) => sum + server.count, 0)).toBe(replicas);
    for (const { host } of servers) {
      expect(
        gatehouseServices.map(([name]) => name),
        `deploy/haproxy.cfg server ${host}`,
      ).toContain(host);
    }
  });
});

describe('a replica that stops', () => {
  it('drains for longer than the balancer takes to see it not ready, so a rolling restart fails no request', () => {
    const words = haproxyBackend.lines.find((line) => line[0] === 'server-template' || line[0] === 'server')!;
    const option = (name: string) => words[words.indexOf(name) + 1];
    const interMs = Number(/^(\d+)(ms|s)$/.exec(option('inter')!)![1]) * (option('inter')!.endsWith('ms') ? 1 : 1000);
    const fall = Number(option('fall'));
    expect(words, 'deploy/haproxy.cfg: the servers are health-checked').toContain('check');
    for (const [name, service] of gatehouseServices) {
      const drain = load(filledIn(composeServiceEnv(service), name)).config.webserver.shutdownDrainSeconds;
      // Out after `fall` failed checks `inter` apart, the first of which can come up to `inter` after the signal.
      expect(drain * 1000, `compose.yaml ${name}: FIDES__WEBSERVER__SHUTDOWN_DRAIN_SECONDS`).toBeGreaterThanOrEqual(
        interMs * fall,
      );
    }
  });
});

describe('the Kubernetes objects', () => {
  it("select the Deployment's pods: the Service and the PodDisruptionBudget", () => {
    const labels = deployments[0]?.spec?.template?.metadata?.labels ?? {};
    expect(Object.keys(labels).length).toBeGreaterThan(0);
    const selectors = [
      ...k8sOfKind('Service').map((object) => ({ where: object.file, selector: object.spec?.selector })),
      ...['Deployment', 'PodDisruptionBudget'].flatMap((kind) =>
        k8sOfKind(kind).map((object) => ({ where: object.file, selector: object.spec?.selector?.matchLabels })),
      ),
    ];
    expect(selectors.map(({ where }) => where).sort()).toEqual(
      [`${K8S_DIR}deployment.yaml`, `${K8S_DIR}poddisruptionbudget.yaml`, `${K8S_DIR}service.yaml`].sort(),
    );
    for (const { where, selector } of selectors) {
      expect(selector && Object.keys(selector).length, `${where}: a selector`).toBeTruthy();
      expect(labels, where).toMatchObject(selector!);
    }
  });
});
