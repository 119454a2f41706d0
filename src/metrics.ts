// Prometheus metrics: the process defaults (CPU, memory, event loop, GC) plus the duration of
// every HTTP request by route pattern (never the raw URL, which would carry ids and explode the
// number of series), method and status.
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
}

export function createMetrics(): Metrics {
  // A registry per server rather than the global one, so that tests can build many servers.
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'exsync' });
  collectDefaultMetrics({ register: registry, prefix: 'exsync_' });
  const httpRequestDuration = new Histogram({
    name: 'exsync_http_request_duration_seconds',
    help: 'Duration of HTTP requests, by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}
