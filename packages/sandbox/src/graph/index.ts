// The sandbox's Microsoft Graph v1.0 endpoint (SPEC S2): /v1.0/me/… and /v1.0/users/{id}/…
// for contacts, calendars and events, To Do, mail, getSchedule, subscriptions and $batch.
// See docs/sandbox-graph.md.
import type { FastifyError } from 'fastify';
import type { FrontEnd } from '../context.ts';
import { GraphError } from './errors.ts';
import { errorReply, handleHttp, MAX_BODY_BYTES } from './http.ts';
import { createPipeline } from './router.ts';
import { GRAPH_ROUTES } from './routes.ts';
import { SubscriptionManager } from './subscriptions/manager.ts';
import type { GraphServices } from './types.ts';

export { graphSubscriptions } from './subscriptions/manager.ts';

/** Mounts the graph front end of the sandbox. */
export const graphFrontEnd: FrontEnd = async (app, ctx) => {
  const subscriptions = new SubscriptionManager(ctx);
  const services: GraphServices = {
    dispatch: (req) => pipeline.dispatch(req),
    subscriptions,
  };
  const pipeline = createPipeline(ctx, GRAPH_ROUTES, () => services);
  subscriptions.start();
  app.addHook('onClose', async () => {
    await subscriptions.stop();
  });

  await app.register(async (scope) => {
    // Graph reads bodies itself so that bad JSON gets Graph's error shape, not Fastify's.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const tooLarge = error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      const graphError = tooLarge
        ? new GraphError(
            413,
            'RequestEntityTooLarge',
            'The request body is larger than the 4 MB Microsoft Graph accepts. Send less data per request.',
          )
        : new GraphError(
            error.statusCode && error.statusCode < 500 ? error.statusCode : 500,
            error.statusCode && error.statusCode < 500 ? 'BadRequest' : 'InternalServerError',
            error.message,
          );
      return errorReply(reply, request, graphError, new Date(ctx.now()));
    });
    scope.all('/v1.0/*', (request, reply) => handleHttp(pipeline, request, reply, () => ctx.now()));
  });
};
