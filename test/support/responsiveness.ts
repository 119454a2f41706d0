// Whether the server stays responsive while some work runs in the same process. Two measures:
// - the main thread's longest busy spell: CPU time it spent (process.threadCpuUsage) between two
//   turns of a 5 ms timer. Work that runs for long without yielding shows here whatever else the
//   machine does, so this is what tests bound;
// - the event loop's delay (perf_hooks.monitorEventLoopDelay) and each /healthz answer's time, asked
//   every 25 ms: wall-clock figures that also grow when a loaded machine does not schedule the
//   process, so tests bound them only loosely.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';

export interface Responsiveness<T> {
  result: T;
  /** The longest the main thread computed between two timer turns, in CPU ms. */
  maxBusyMs: number;
  /** The event loop's longest delay, in ms of wall-clock time. */
  maxStallMs: number;
  /** Each /healthz answer's time, in ms. */
  healthzMs: number[];
}

const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};

export async function measureResponsiveness<T>(
  app: FastifyInstance,
  work: () => Promise<T>,
): Promise<Responsiveness<T>> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const healthzMs: number[] = [];
  let maxBusyMs = 0;
  let lastCpu = cpuMs();
  const watch = setInterval(() => {
    const now = cpuMs();
    maxBusyMs = Math.max(maxBusyMs, now - lastCpu);
    lastCpu = now;
  }, 5);
  let done = false;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const answer = await app.inject({ method: 'GET', url: '/healthz' });
      if (answer.statusCode !== 200) throw new Error(`/healthz answered ${answer.statusCode}`);
      healthzMs.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  histogram.enable();
  // Let the watch and the probe take their first turn before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 20));
  let result: T;
  try {
    result = await work();
  } finally {
    // Work that ends without giving the timer a turn is counted too.
    maxBusyMs = Math.max(maxBusyMs, cpuMs() - lastCpu);
    done = true;
    histogram.disable();
    clearInterval(watch);
    await probe;
  }
  return { result, maxBusyMs, maxStallMs: histogram.max / 1e6, healthzMs };
}

/** The value below which `share` of the samples lie. */
export function percentile(samples: number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
}
