// Exsync's connectors to Exchange: one interface (types.ts), two protocols.
export { CALENDAR_HORIZON_MONTHS, calendarWindow } from './calendar-window.ts';
export * from './errors.ts';
export { autodiscover } from './ews/autodiscover.ts';
export { EwsConnector } from './ews/connector.ts';
export { parseEwsError } from './ews/errors.ts';
export { createEwsConnector, type EwsConnectorConfig, ewsUrlOf } from './ews/factory.ts';
export { type EwsAuth, EwsTransport } from './ews/transport.ts';
export {
  AppOnlyTokens,
  createPkce,
  DelegatedSignIn,
  DelegatedTokens,
  type GraphAppConfig,
  memoryTokenCache,
  type TokenCacheStore,
} from './graph/auth.ts';
export { GraphConnector } from './graph/connector.ts';
export { parseGraphError } from './graph/errors.ts';
export { readNotifications, validationToken } from './graph/webhook.ts';
export { isPrivateAddress } from './net/address-guard.ts';
export { HttpClient, type HttpClientOptions } from './net/http.ts';
export { KeyedLimiter } from './net/limiter.ts';
export type * from './types.ts';
