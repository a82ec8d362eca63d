import { afterAll, beforeAll } from 'vitest';
import { startHttpTestApp } from './http-app.js';
import { rootToken } from './oauth.js';
import { startTestApp, type TestApp } from './test-app.js';
import type { ProcessStateOptions } from '../../src/server/process-state.js';

/** What `useTestApp` hands a test file: read `app` and `root` inside tests and hooks, once the app has started. */
export interface UsedTestApp<A extends TestApp = TestApp> {
  readonly app: A;
  /**
   * A root token granted at start. Writable: a test that ends it (say, by removing the key that signed it) sets a
   * fresh one for the tests after it.
   */
  root: string;
}

export interface UseTestAppOptions {
  /**
   * Grant a root token in beforeAll, once the app has started.
   * @default true; false for a file that uses none, so that its setup makes no request its tests did not ask for.
   */
  root?: boolean;
}

/**
 * The test app (startTestApp) for the tests of this file, or of the describe block it is called in: started in
 * beforeAll, closed in afterAll. A later beforeAll of the file sees it started.
 */
export function useTestApp(
  env: Record<string, string> = {},
  options: UseTestAppOptions & { processState?: ProcessStateOptions } = {},
): UsedTestApp {
  return useStarted(() => startTestApp(env, options), options);
}

/** The same, behind a real HTTP server (startHttpTestApp), for clients that must talk HTTP. */
export function useHttpTestApp(
  env: Record<string, string> = {},
  options: UseTestAppOptions = {},
): UsedTestApp<TestApp & { origin: string }> {
  return useStarted(() => startHttpTestApp(env), options);
}

function useStarted<A extends TestApp>(
  start: () => Promise<A>,
  { root: withRoot = true }: UseTestAppOptions,
): UsedTestApp<A> {
  let app: A | undefined;
  let root: string | undefined;
  beforeAll(async () => {
    app = await start();
    if (withRoot) root = await rootToken(app);
  });
  afterAll(() => app?.close());
  return {
    get app() {
      if (!app) throw new Error('the test app starts in beforeAll: read it inside a test or a hook');
      return app;
    },
    get root() {
      if (root === undefined)
        throw new Error(
          withRoot
            ? 'the root token is granted in beforeAll: read it inside a test or a hook'
            : 'no root token: this file set { root: false }',
        );
      return root;
    },
    set root(token) {
      root = token;
    },
  };
}
