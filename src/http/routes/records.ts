// CRUD and list routes for every record type of the CRM registry, generated from its schemas:
// one module for all types, so every type gets the same paging, errors and documentation.
import { z } from 'zod';
import type { Principal } from '../../crm/principal.ts';
import { type Operation, operation } from '../operation.ts';

// biome-ignore lint/suspicious/noExplicitAny: records are plain JSON objects validated by the CRM
type AnyRecord = Record<string, any>;

/** What the routes need of a CRM record service. */
export interface RoutedRecordService {
  list(
    principal: Principal,
    options: {
      filter?: Record<string, unknown>;
      cursor?: string | null;
      limit?: number | string;
      sort?: string | null;
      withTotal?: boolean;
    },
  ): Promise<{ items: AnyRecord[]; nextCursor: string | null; total?: number }>;
  get(principal: Principal, id: string): Promise<AnyRecord>;
  create(principal: Principal, input: AnyRecord): Promise<AnyRecord>;
  update(principal: Principal, id: string, patch: AnyRecord): Promise<AnyRecord>;
  delete(principal: Principal, id: string): Promise<void>;
}

export interface RoutedRecordType {
  /** Plural path segment, e.g. `contacts`. */
  name: string;
  /** Singular, e.g. `contact`. */
  recordType: string;
  schemas: { output: z.ZodType; create: z.ZodType; update: z.ZodType; filter: z.ZodType };
  /** Values of the list's `sort` parameter; none when the list is only ordered by id. */
  sorts?: string[];
  service: RoutedRecordService;
}

export const idParams = z.strictObject({ id: z.string().min(1).max(64).meta({ description: 'Record id.' }) });

const pagingQuery = {
  cursor: z.string().max(512).optional().meta({ description: 'nextCursor of the previous page.' }),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .optional()
    .meta({ description: 'Items per page, 1 to 500 (default 50).' }),
};

const named = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The schema with an OpenAPI component name, so that pages and single-record answers refer to
 * one definition. Cached: building several servers must not register new copies.
 */
function withId(schema: z.ZodType, id: string): z.ZodType {
  let copy = named.get(schema);
  if (!copy) {
    copy = schema.meta({ id });
    named.set(schema, copy);
  }
  return copy;
}

/** `contactGroups` → `ContactGroups`. */
export function schemaName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The singular of a route name: `activities` → `activity`, `contactGroups` → `contactGroup`. */
export function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

/** `contactGroups` → `contact groups`. */
function label(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * The list query: the type's filters plus paging. Filters are validated by the CRM itself (so
 * that the rules live in one place); this schema documents them and rejects unknown ones.
 */
function listQuerySchema(filter: z.ZodType, sorts: string[] = []): z.ZodType<AnyRecord> {
  const paging =
    sorts.length > 0
      ? {
          ...pagingQuery,
          sort: z
            .enum(sorts as [string, ...string[]])
            .optional()
            .meta({
              description:
                'Order of the list: by this field ascending, or descending with a leading "-" (names ignore case; a missing value sorts first). Without it, oldest first. A cursor is valid only with the sort it was given for.',
            }),
        }
      : pagingQuery;
  if (filter instanceof z.ZodObject) return z.strictObject({ ...filter.shape, ...paging });
  return z.looseObject(paging);
}

export function recordRoutes(types: RoutedRecordType[]): Operation[] {
  const ops: Operation[] = [];
  for (const type of types) {
    const base = `/api/v1/${type.name}`;
    // Named after the route, not the record type: contact and activity groups share one type.
    const Name = schemaName(singular(type.name));
    const tag = schemaName(type.name);
    const what = label(singular(type.name));
    const output = withId(type.schemas.output, Name);
    const pageSchema = z
      .strictObject({
        items: z.array(output),
        nextCursor: z
          .string()
          .nullable()
          .meta({ description: 'Pass as cursor for the next page; null on the last.' }),
        total: z
          .number()
          .int()
          .min(0)
          .meta({ description: 'How many records match the filters, in all pages together.' }),
      })
      .meta({ id: `${Name}Page` });
    const service = type.service;
    const listQuery = listQuerySchema(type.schemas.filter, type.sorts);

    ops.push(
      operation({
        method: 'GET',
        path: base,
        operationId: `list${tag}`,
        tag,
        summary: `List the ${label(type.name)} you can see, filtered, ${type.sorts?.length ? 'sorted (oldest first by default)' : 'oldest first'}, one page at a time, with their total.`,
        auth: 'user',
        query: listQuery,
        response: { status: 200, description: 'One page.', schema: pageSchema },
        errors: [],
        // The schemas check the shape (so that a misspelt field is named); the CRM gets the
        // input as sent and applies its own rules, so they live in one place.
        handler: async ({ principal, request }) => {
          const { cursor, limit, sort, ...filter } = request.query as AnyRecord;
          return service.list(principal!, { filter, cursor: cursor ?? null, limit, sort, withTotal: true });
        },
      }),
      operation({
        method: 'POST',
        path: base,
        operationId: `create${Name}`,
        tag,
        summary: `Create a ${what}.`,
        auth: 'user',
        body: type.schemas.create,
        bodyName: `${Name}Create`,
        response: {
          status: 201,
          description: `The ${what} as stored.`,
          schema: output,
        },
        errors: [],
        handler: async ({ principal, request, reply }) => {
          const created = await service.create(principal!, request.body as AnyRecord);
          reply.header('location', `${base}/${created.id}`);
          return created;
        },
      }),
      operation({
        method: 'GET',
        path: `${base}/{id}`,
        operationId: `get${Name}`,
        tag,
        summary: `Read one ${what}.`,
        auth: 'user',
        params: idParams,
        response: { status: 200, description: `The ${what}.`, schema: output },
        errors: [404],
        handler: async ({ principal, params }) => service.get(principal!, params.id),
      }),
      operation({
        method: 'PATCH',
        path: `${base}/{id}`,
        operationId: `update${Name}`,
        tag,
        summary: `Change some fields of a ${what}; fields not sent keep their value.`,
        auth: 'user',
        params: idParams,
        body: type.schemas.update,
        bodyName: `${Name}Update`,
        response: {
          status: 200,
          description: `The ${what} after the change.`,
          schema: output,
        },
        errors: [404, 409],
        handler: async ({ principal, params, request }) =>
          service.update(principal!, params.id, request.body as AnyRecord),
      }),
      operation({
        method: 'DELETE',
        path: `${base}/{id}`,
        operationId: `delete${Name}`,
        tag,
        summary: `Delete a ${what} (owner or administrator).`,
        auth: 'user',
        params: idParams,
        response: { status: 204, description: 'Deleted.' },
        errors: [404],
        handler: async ({ principal, params }) => {
          await service.delete(principal!, params.id);
        },
      }),
    );
  }
  return ops;
}
