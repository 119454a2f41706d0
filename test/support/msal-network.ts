// HTTPS to the sandbox trusting its CA (verification stays on), and MSAL's network module over it.
import https from 'node:https';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';

export function request(
  ca: string,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: flat, text });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** MSAL's network module over node:https with the sandbox's CA as the only extra trust. */
export function sandboxNetworkClient(ca: string): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) => {
    const res = await request(ca, method, url, options?.headers, options?.body);
    return {
      status: res.status,
      headers: res.headers,
      body: JSON.parse(res.text) as T,
    } satisfies NetworkResponse<T>;
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
