// The UI talks to Exsync only through the public REST API (/api/v1, described at
// /api/openapi.json). Every failure becomes an ApiProblem with the server's stable `code`;
// `messageOf` shows the catalogue's message for that code in the user's language, and the
// server's own English "what went wrong and what to do" text for codes the catalogue lacks.
import { hasMessage, t } from './i18n.ts';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let csrfToken: string | null = null;
let onSignedOut: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (expired, signed out elsewhere). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Raw body (e.g. CSV text) sent with this content type instead of JSON. */
  contentType?: string;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (options.contentType) {
      headers['content-type'] = options.contentType;
      body = options.body as BodyInit;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(0, 'network', t('error.network'));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)
      ?.error;
    if (response.status === 401 && path !== '/api/v1/auth/login') onSignedOut?.();
    throw new ApiProblem(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? t('error.http_error', { status: response.status }),
      error?.details ?? [],
    );
  }
  if (payload === null && text) {
    throw new ApiProblem(response.status, 'bad_response', t('error.bad_response'));
  }
  return payload as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  api<T>('GET', path, { query, signal });
export const post = <T>(path: string, body?: unknown, query?: Query) => api<T>('POST', path, { body, query });
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, { body });
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, { body });
export const del = <T>(path: string) => api<T>('DELETE', path);

/** One page of a list endpoint. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Records matching the filters in all pages (record lists give it). */
  total?: number;
}

/** Message for any thrown value, for display, in the user's language where the code is known. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) {
    const key = `error.${error.code}`;
    if (key === 'error.http_error') return t(key, { status: error.status });
    return hasMessage(key) ? t(key) : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
