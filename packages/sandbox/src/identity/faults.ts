import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.ts';

/**
 * Applies the fault rules for an identity request. Returns true when the reply was taken over
 * (an error was sent or the connection dropped); latency only delays.
 */
export async function applyFaults(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: string,
): Promise<boolean> {
  const tenantName = (request.params as { tenant?: string }).tenant;
  const tenantId = tenantName ? ctx.store.tenantByIdOrDomain(tenantName)?.id : undefined;
  for (const fault of ctx.faults.pick({ protocol: 'identity', operation, tenantId })) {
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms);
        break;
      case 'drop':
        request.raw.socket.destroy();
        return true;
      case 'throttle':
        await reply
          .code(429)
          .header('retry-after', String(Math.ceil(fault.retryAfterMs / 1000)))
          .send({
            error: 'temporarily_unavailable',
            error_description: 'AADSTS50196: The server is throttling requests; retry later.',
            error_codes: [50196],
          });
        return true;
      case 'concurrency':
      case 'serverError': {
        const status = fault.kind === 'serverError' ? fault.status : 429;
        const r = reply.code(status);
        if (fault.kind === 'serverError' && fault.retryAfterMs !== undefined) {
          r.header('retry-after', String(Math.ceil(fault.retryAfterMs / 1000)));
        }
        await r.send({
          error: 'temporarily_unavailable',
          error_description: 'AADSTS90033: A transient error has occurred. Please try again.',
          error_codes: [90033],
        });
        return true;
      }
      case 'expireSyncState':
        break;
    }
  }
  return false;
}
