/**
 * A small load generator for the cluster tests: `concurrency` loops, each sending one request after another through
 * its own keep-alive pool, counting every answer that is not 2xx and every network error as a failure.
 */
export interface LoadFailure {
  /** ms since the load started. */
  readonly at: number;
  readonly what: string;
}

export interface LoadResult {
  readonly total: number;
  readonly failed: number;
  readonly failures: readonly LoadFailure[];
  readonly seconds: number;
}

export interface Load {
  /** Requests sent and not answered yet. */
  inFlight(): number;
  /** ms since the load started, on the clock `failures[].at` uses. */
  now(): number;
  stop(): Promise<LoadResult>;
}

export interface LoadRequest {
  readonly path: string;
  readonly init: RequestInit;
}

/** Runs until stopped; `next(i)` gives the i-th request of a loop. */
export function startLoad(baseUrl: string, concurrency: number, next: (i: number) => LoadRequest): Load {
  const started = performance.now();
  const now = () => performance.now() - started;
  let running = true;
  let inFlight = 0;
  let total = 0;
  const failures: LoadFailure[] = [];
  const loop = async (offset: number) => {
    for (let i = offset; running; i += concurrency) {
      const { path, init } = next(i);
      inFlight++;
      try {
        const response = await fetch(baseUrl + path, { ...init, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.status < 200 || response.status > 299) {
          failures.push({ at: now(), what: `${init.method ?? 'GET'} ${path}: ${response.status}` });
        }
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        failures.push({ at: now(), what: `${init.method ?? 'GET'} ${path}: ${cause ?? (error as Error).message}` });
      } finally {
        inFlight--;
        total++;
      }
    }
  };
  const loops = Array.from({ length: concurrency }, (_, index) => loop(index));
  return {
    inFlight: () => inFlight,
    now,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { total, failed: failures.length, failures, seconds: now() / 1000 };
    },
  };
}
