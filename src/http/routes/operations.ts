// Health, readiness and metrics: what a process supervisor, load balancer and Prometheus ask.
import { z } from 'zod';
import { ping, type Store } from '../../db/database.ts';
import type { Metrics } from '../../metrics.ts';
import { ApiError } from '../errors.ts';
import { type Operation, operation } from '../operation.ts';

const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });
const readySchema = z
  .strictObject({
    status: z.literal('ready'),
    database: z.string().meta({ description: 'Engine, e.g. sqlite.' }),
  })
  .meta({ id: 'Readiness' });

export function operationsRoutes(deps: {
  store: Store;
  metrics: Metrics;
  isShuttingDown: () => boolean;
}): Operation[] {
  return [
    operation({
      method: 'GET',
      path: '/healthz',
      operationId: 'health',
      tag: 'Operations',
      summary: 'The process is up (liveness).',
      auth: 'public',
      response: { status: 200, description: 'Alive.', schema: healthSchema },
      errors: [],
      handler: async () => ({ status: 'ok' as const }),
    }),
    operation({
      method: 'GET',
      path: '/readyz',
      operationId: 'readiness',
      tag: 'Operations',
      summary: 'The server can serve requests: the database answers and no shutdown is under way.',
      auth: 'public',
      response: { status: 200, description: 'Ready.', schema: readySchema },
      errors: [503],
      handler: async () => {
        if (deps.isShuttingDown()) {
          throw new ApiError(
            503,
            'not_ready',
            'The server is shutting down; send requests to another instance.',
          );
        }
        try {
          await ping(deps.store);
        } catch (error) {
          throw new ApiError(
            503,
            'not_ready',
            `The database (${deps.store.location}) cannot be reached: ${(error as Error).message}. Check that it is running and EXSYNC_DATABASE_URL is right.`,
          );
        }
        return { status: 'ready' as const, database: deps.store.engine };
      },
    }),
    operation({
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      tag: 'Operations',
      summary: 'Prometheus metrics (text exposition format).',
      auth: 'public',
      response: {
        status: 200,
        description: 'Metrics.',
        schema: z.string(),
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
      },
      errors: [],
      handler: async () => deps.metrics.registry.metrics(),
    }),
  ];
}
