// The OpenAPI 3.1 document, generated from the same operation declarations that register the
// routes. Schemas come from zod (z.toJSONSchema, JSON Schema 2020-12, which OpenAPI 3.1 uses
// as is); schemas named with `.meta({ id })` or given a name by the operation are hoisted into
// components/schemas and referenced, so the document stays readable.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ERROR_STATUS_DESCRIPTIONS, errorBodySchema } from './errors.ts';
import type { Operation } from './operation.ts';

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

class SchemaCollector {
  readonly schemas: Record<string, Json> = {};

  /** Adds a schema; returns a $ref when it has a name, else the schema inline. */
  add(schema: z.ZodType, io: 'input' | 'output', name?: string): Json {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    // Names are compared with their references already pointing at components, so that the
    // same schema met again reuses its entry instead of getting a numbered copy.
    const renames = new Map<string, string>(Object.keys(defs).map((defName) => [defName, defName]));
    for (const [defName, def] of Object.entries(defs)) {
      renames.set(defName, this.#reserve(defName, rewriteRefs(def, renames)));
    }
    for (const [defName, def] of Object.entries(defs))
      this.#place(renames.get(defName)!, rewriteRefs(def, renames));
    const body = rewriteRefs(json, renames);
    if (typeof body.$ref === 'string' && Object.keys(body).length === 1) return body;
    if (!name) return body;
    const finalName = this.#reserve(name, body);
    this.#place(finalName, body);
    return { $ref: `#/components/schemas/${finalName}` };
  }

  /** The name under which `schema` can live: `name` itself unless a different schema took it. */
  #reserve(name: string, schema: Json): string {
    let candidate = name;
    for (let n = 2; this.schemas[candidate] && !isDeepStrictEqual(this.schemas[candidate], schema); n++) {
      candidate = `${name}${n}`;
    }
    return candidate;
  }

  #place(name: string, schema: Json): void {
    this.schemas[name] ??= schema;
  }
}

function rewriteRefs(value: Json, renames: Map<string, string>): Json {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) {
        const defName = child.slice('#/$defs/'.length);
        out[key] = `#/components/schemas/${renames.get(defName) ?? defName}`;
      } else {
        out[key] = walk(child);
      }
    }
    return out;
  };
  return walk(value) as Json;
}

function parametersOf(
  collector: SchemaCollector,
  schema: z.ZodType | undefined,
  location: 'path' | 'query',
): Json[] {
  if (!schema) return [];
  const json = collector.add(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => {
    const { description, ...rest } = propertySchema;
    const parameter: Json = {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      schema: rest,
    };
    if (typeof description === 'string') parameter.description = description;
    return parameter;
  });
}

function errorStatuses(op: Operation): number[] {
  const statuses = new Set<number>(op.errors);
  if (op.auth === 'user') statuses.add(401);
  if (op.auth === 'user' && op.method !== 'GET') statuses.add(403);
  if (op.body) {
    for (const status of [400, 413, 415, 422]) statuses.add(status);
  }
  if (op.query || op.params) statuses.add(422);
  // A path value that is badly percent-encoded or far too long is refused before the route runs.
  if (op.params) for (const status of [400, 414]) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

export function buildOpenApiDocument(
  operations: Operation[],
  options: { version: string; serverUrl: string },
): OpenApiDocument {
  const collector = new SchemaCollector();
  const errorRef = collector.add(errorBodySchema, 'output', 'Error');
  const paths: OpenApiDocument['paths'] = {};
  const tags: string[] = [];

  for (const op of operations) {
    if (!tags.includes(op.tag)) tags.push(op.tag);
    const entry: Json = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
    };
    if (op.description) entry.description = op.description;
    const parameters = [
      ...parametersOf(collector, op.params, 'path'),
      ...parametersOf(collector, op.query, 'query'),
    ];
    if (parameters.length > 0) entry.parameters = parameters;
    if (op.body) {
      entry.requestBody = {
        required: true,
        content: { 'application/json': { schema: collector.add(op.body, 'input', op.bodyName) } },
      };
    }
    const responses: Json = {};
    const success: Json = { description: op.response.description };
    if (op.response.schema) {
      success.content = {
        [op.response.contentType ?? 'application/json']: {
          schema: collector.add(op.response.schema, 'output', op.response.name),
        },
      };
    }
    responses[String(op.response.status)] = success;
    for (const status of errorStatuses(op)) {
      responses[String(status)] = {
        description: ERROR_STATUS_DESCRIPTIONS[status] ?? 'Error.',
        content: { 'application/json': { schema: errorRef } },
      };
    }
    entry.responses = responses;
    if (op.auth === 'user') entry.security = [{ bearerToken: [] }, { sessionCookie: [], csrfToken: [] }];
    paths[op.path] ??= {};
    paths[op.path][op.method.toLowerCase()] = entry;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Exsync API',
      version: options.version,
      description:
        'Records of the Exsync CRM (contacts, accounts, leads, deals, activities, emails, groups), users and ' +
        'personal API tokens. Authenticate with `Authorization: Bearer <token>` (create one under /api/v1/tokens), ' +
        'or with the session cookie from POST /api/v1/auth/login; cookie requests that change data must send the ' +
        'session\'s CSRF token in the X-CSRF-Token header. Errors are `{ "error": { "code", "message", "details" } }`.',
    },
    servers: [{ url: options.serverUrl }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: collector.schemas,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token (exs_…).' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'exsync_session' },
        csrfToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRF-Token',
          description: 'Needed with the session cookie on POST, PUT, PATCH and DELETE.',
        },
      },
    },
  };
}
