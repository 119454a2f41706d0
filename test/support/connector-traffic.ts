// What the sync engine's connectors send to the sandbox and get back, recorded through the HTTP
// client's trace hook and checked against Microsoft's schemas as the protocol suites' own
// traffic is: EWS bodies against messages.xsd (in batches), Graph request and response bodies
// against the CSDL-derived JSON Schemas.

import { EwsSchemaRecorder } from '@exsync/sandbox/ews/schema-validation';
import type { HttpTraceEvent } from '../../src/connectors/net/http.ts';
import type { Protocol } from '../../src/connectors/types.ts';
import { GraphTrafficRecorder } from './graph-traffic.ts';

export class ConnectorTrafficRecorder {
  readonly protocol: Protocol;
  readonly ews = new EwsSchemaRecorder();
  readonly graph = new GraphTrafficRecorder();
  /** Requests seen, of either protocol (tests assert that something was recorded at all). */
  count = 0;
  /** Every request made, in order, with its body (tests assert on what was or was not sent). */
  readonly sent: Array<{ method: string; url: string; body: string }> = [];

  constructor(protocol: Protocol) {
    this.protocol = protocol;
  }

  readonly onRequest = (event: HttpTraceEvent): void => {
    if (event.phase === 'start')
      this.sent.push({ method: event.method, url: event.url, body: event.requestBody ?? '' });
    const path = new URL(event.url).pathname;
    if (this.protocol === 'ews' && /\/ews\/exchange\.asmx$/i.test(path)) {
      if (event.phase === 'start') this.count++;
      const body = event.phase === 'start' ? event.requestBody : event.responseBody;
      if (body) this.ews.record(`${event.phase === 'start' ? 'request' : 'response'} ${event.url}`, body);
    } else if (this.protocol === 'graph' && /^\/v1\.0\//i.test(path)) {
      // The request half is checked from the start event, the response half from the end event.
      if (event.phase === 'start') {
        this.count++;
        this.graph.record(event.method, event.url, event.requestBody, 0, '');
      } else {
        this.graph.record(event.method, event.url, undefined, event.status ?? 0, event.responseBody ?? '');
      }
    }
  };

  async expectAllValid(): Promise<void> {
    if (this.protocol === 'ews') await this.ews.expectAllValid();
    else this.graph.expectAllValid();
  }
}
