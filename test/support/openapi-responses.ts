// Every answer the HTTP tests get is checked against what /api/openapi.json declares for its
// route and status (test/http-harness.ts wraps app.inject with this): a documented route that
// answers with an undeclared status, or with a JSON body its schema does not allow, fails the
// test that made the request. Answers of routes the document does not describe (the web UI, the
// OAuth pages, /healthz, the document itself) and bodies that are not JSON are left alone.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

interface Document {
  paths: Record<string, Record<string, { responses?: Record<string, Response> }>>;
  components: Record<string, unknown>;
}
interface Response {
  content?: Record<string, { schema?: Record<string, unknown> }>;
}

const BASE = 'https://exsync.invalid/openapi.json';

export interface ResponseChecker {
  /** The problems of one answer, empty when it matches the document. */
  check(method: string, url: string, response: LightMyRequestResponse): string[];
  /** How many answers were checked against a schema (so a test can see the check is on). */
  readonly checked: number;
}

export async function openApiResponseChecker(app: FastifyInstance): Promise<ResponseChecker> {
  const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (instance: Ajv2020) => void)(ajv);
  // The whole document, so that a response schema is compiled where it stands and its own
  // references (#/components/schemas/…) resolve against the document.
  ajv.addSchema({ $id: BASE, components: document.components, paths: document.paths });
  // Path templates, most specific first: `/contacts/export` before `/contacts/{id}`.
  const templates = Object.keys(document.paths)
    .map((template) => ({
      template,
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
      ),
      params: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);
  const validators = new Map<string, ValidateFunction>();
  const pointer = (...parts: string[]) =>
    parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
  const validatorFor = (template: string, method: string, status: string) => {
    const key = `${method} ${template} ${status}`;
    let validate = validators.get(key);
    if (!validate) {
      const at = pointer(
        'paths',
        template,
        method,
        'responses',
        status,
        'content',
        'application/json',
        'schema',
      );
      validate = ajv.compile({ $ref: `${BASE}#/${at}` });
      validators.set(key, validate);
    }
    return validate;
  };
  let checked = 0;
  return {
    get checked() {
      return checked;
    },
    check(method, url, response) {
      const path = new URL(url, 'http://exsync.invalid').pathname;
      const route = templates.find((t) => t.pattern.test(path));
      const operation = route && document.paths[route.template][method.toLowerCase()];
      if (!route || !operation) return [];
      const status = String(response.statusCode);
      const declaredAs = operation.responses?.[status] ? status : 'default';
      const declared = operation.responses?.[declaredAs];
      const where = `${method.toUpperCase()} ${route.template} → ${status}`;
      if (!declared) return [`${where}: the OpenAPI document declares no ${status} answer for this route`];
      const contentType = String(response.headers['content-type'] ?? '');
      if (!contentType.includes('json') || response.body === '') return [];
      const schema = declared.content?.['application/json']?.schema;
      if (!schema) return [`${where}: answers JSON, but the document declares no JSON body`];
      let body: unknown;
      try {
        body = response.json();
      } catch {
        return [`${where}: the body is not valid JSON`];
      }
      checked++;
      const validate = validatorFor(route.template, method.toLowerCase(), declaredAs);
      return validate(body)
        ? []
        : (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message}`);
    },
  };
}

/** Makes `app.inject(options)` check every answer and throw on the first that does not match. */
export function checkEveryAnswer(app: FastifyInstance, checker: ResponseChecker): void {
  const inject = app.inject.bind(app) as (options: InjectOptions | string) => Promise<LightMyRequestResponse>;
  const checkedInject = async (options: InjectOptions | string) => {
    const response = await inject(options);
    const method = typeof options === 'string' ? 'GET' : (options.method ?? 'GET');
    const url =
      typeof options === 'string'
        ? options
        : typeof options.url === 'string'
          ? options.url
          : String(options.path ?? '/');
    const problems = checker.check(String(method), url, response);
    if (problems.length > 0)
      throw new Error(`The answer does not match the OpenAPI document:\n${problems.join('\n')}`);
    return response;
  };
  (app as unknown as { inject: typeof checkedInject }).inject = checkedInject;
}
