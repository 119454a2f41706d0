// A fetch-based XHR layer for ews-javascript-api, so the library talks to the sandbox through
// Node's own HTTP client; every request/response pair can be handed to a schema recorder.

import type { IXHRApi, IXHROptions, IXHRProgress } from 'ews-javascript-api';

/** What the library's XHR promise resolves to (an XMLHttpRequest in browsers). */
type XhrResult = Awaited<ReturnType<IXHRApi['xhr']>>;

type Exchange = (requestXml: string, responseXml: string) => void;

interface XhrLike {
  status: number;
  statusText: string;
  responseText: string;
  response: string;
  readyState: number;
  getAllResponseHeaders(): string;
  getResponseHeader(name: string): string | null;
}

function xhrLike(res: Response, text: string): XhrLike {
  return {
    status: res.status,
    statusText: res.statusText,
    responseText: text,
    response: text,
    readyState: 4,
    getAllResponseHeaders: () => [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\r\n'),
    getResponseHeader: (name: string) => res.headers.get(name),
  };
}

export class FetchXhrApi implements IXHRApi {
  readonly apiName = 'exsync-test-fetch';
  private readonly controllers = new Set<AbortController>();
  private readonly onExchange?: Exchange;

  constructor(onExchange?: Exchange) {
    this.onExchange = onExchange;
  }

  private async send(options: IXHROptions, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((options.headers ?? {}) as Record<string, unknown>))
      if (v !== undefined) headers[k] = String(v);
    return fetch(options.url, { method: options.type ?? 'POST', headers, body: options.data, signal });
  }

  async xhr(options: IXHROptions): Promise<XhrResult> {
    const controller = new AbortController();
    this.controllers.add(controller);
    try {
      const res = await this.send(options, controller.signal);
      const text = await res.text();
      if (typeof options.data === 'string' && (res.headers.get('content-type') ?? '').includes('xml')) {
        this.onExchange?.(options.data, text);
      }
      const result = xhrLike(res, text);
      if (res.status !== 200) throw result;
      return result as unknown as XhrResult;
    } finally {
      this.controllers.delete(controller);
    }
  }

  async xhrStream(options: IXHROptions, progress: (p: IXHRProgress) => void): Promise<XhrResult> {
    const controller = new AbortController();
    this.controllers.add(controller);
    let text = '';
    try {
      const res = await this.send(options, controller.signal);
      progress({ type: 'header', headers: Object.fromEntries(res.headers.entries()) });
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const data = decoder.decode(chunk, { stream: true });
        text += data;
        progress({ type: 'data', data });
      }
      if (typeof options.data === 'string') this.onExchange?.(options.data, text);
      progress({ type: 'end' });
      return xhrLike(res, text) as unknown as XhrResult;
    } catch (error) {
      if ((error as Error).name === 'AbortError') {
        if (typeof options.data === 'string' && text) this.onExchange?.(options.data, text);
        progress({ type: 'end' });
        return { status: 200, responseText: text } as unknown as XhrResult;
      }
      progress({ type: 'error', error });
      throw error;
    } finally {
      this.controllers.delete(controller);
    }
  }

  disconnect(): void {
    for (const c of this.controllers) c.abort();
    this.controllers.clear();
  }
}
