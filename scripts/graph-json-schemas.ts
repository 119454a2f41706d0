// Builds JSON Schemas for the Microsoft Graph entities Exsync uses from Microsoft's own CSDL
// metadata (../shared/specs/graph/v1.0-Prod.csdl), so tests can check that the sandbox answers
// with exactly the properties and types Graph defines. Base types are flattened into each type,
// complex types and enums become definitions, `Nullable` is honoured, and properties the CSDL
// does not define are rejected (OData annotations such as @odata.etag excepted).
//
//   node scripts/graph-json-schemas.ts [csdl] [out.json]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export const GRAPH_SCHEMA_ROOTS = [
  'contact',
  'contactFolder',
  'event',
  'calendar',
  'todoTaskList',
  'todoTask',
  'mailFolder',
  'message',
  'eventMessage',
  'eventMessageRequest',
  'eventMessageResponse',
  'attachment',
  'fileAttachment',
  'subscription',
  'scheduleInformation',
  'user',
] as const;

interface CsdlProperty {
  Name: string;
  Type: string;
  Nullable?: string;
}

interface CsdlType {
  Name: string;
  BaseType?: string;
  Abstract?: string;
  Property?: CsdlProperty[];
  NavigationProperty?: CsdlProperty[];
  Member?: Array<{ Name: string }>;
  IsFlags?: string;
  kind: 'entity' | 'complex' | 'enum';
}

type JsonSchema = Record<string, unknown>;

const NAMESPACE = 'microsoft.graph';

function qualified(name: string): string {
  return name.replace(/^graph\./, `${NAMESPACE}.`);
}

export function loadCsdl(xml: string): Map<string, CsdlType> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: false,
    isArray: (name) =>
      [
        'Schema',
        'EntityType',
        'ComplexType',
        'EnumType',
        'Property',
        'NavigationProperty',
        'Member',
      ].includes(name),
  });
  const doc = parser.parse(xml);
  const schemas = doc['edmx:Edmx']['edmx:DataServices'].Schema as Array<Record<string, unknown>>;
  const types = new Map<string, CsdlType>();
  for (const schema of schemas) {
    if (schema.Namespace !== NAMESPACE) continue;
    for (const [key, kind] of [
      ['EntityType', 'entity'],
      ['ComplexType', 'complex'],
      ['EnumType', 'enum'],
    ] as const) {
      for (const t of (schema[key] as CsdlType[] | undefined) ?? [])
        types.set(`${NAMESPACE}.${t.Name}`, { ...t, kind });
    }
  }
  return types;
}

const EDM: Record<string, JsonSchema> = {
  'Edm.String': { type: 'string' },
  'Edm.Boolean': { type: 'boolean' },
  'Edm.Byte': { type: 'integer' },
  'Edm.SByte': { type: 'integer' },
  'Edm.Int16': { type: 'integer' },
  'Edm.Int32': { type: 'integer' },
  'Edm.Int64': { type: 'integer' },
  'Edm.Single': { type: 'number' },
  'Edm.Double': { type: 'number' },
  'Edm.Decimal': { type: 'number' },
  'Edm.DateTimeOffset': { type: 'string', format: 'date-time' },
  'Edm.Date': { type: 'string', format: 'date' },
  'Edm.TimeOfDay': { type: 'string', pattern: '^\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,7})?)?$' },
  'Edm.Duration': { type: 'string' },
  'Edm.Guid': { type: 'string', format: 'uuid' },
  'Edm.Binary': { type: 'string', contentEncoding: 'base64' },
  'Edm.Stream': { type: 'string' },
};

/** OData annotations (`@odata.etag`, `contentBytes@odata.mediaContentType`) are always allowed. */
const ANNOTATIONS = { '@': {} };

export function buildSchemas(types: Map<string, CsdlType>, roots: readonly string[]): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  const pending: string[] = [];
  const ref = (name: string): JsonSchema => {
    if (!definitions[name] && !pending.includes(name)) pending.push(name);
    return { $ref: `#/definitions/${name}` };
  };
  const typeSchema = (typeName: string): JsonSchema => {
    const collection = /^Collection\((.+)\)$/.exec(typeName);
    if (collection) return { type: 'array', items: typeSchema(collection[1]) };
    if (EDM[typeName]) return { ...EDM[typeName] };
    const name = qualified(typeName);
    if (!types.has(name)) throw new Error(`The CSDL does not define ${typeName}`);
    return ref(name);
  };
  const nullable = (schema: JsonSchema, property: CsdlProperty): JsonSchema => {
    if (property.Nullable === 'false' || /^Collection\(/.test(property.Type)) return schema;
    return { anyOf: [schema, { type: 'null' }] };
  };
  const define = (name: string): void => {
    const t = types.get(name)!;
    if (t.kind === 'enum') {
      const members = (t.Member ?? []).map((m) => m.Name);
      definitions[name] =
        t.IsFlags === 'true'
          ? { type: 'string', pattern: `^(${members.join('|')})(\\s*,\\s*(${members.join('|')}))*$` }
          : { type: 'string', enum: members };
      return;
    }
    const properties: Record<string, JsonSchema> = {};
    for (
      let current: CsdlType | undefined = t;
      current;
      current = current.BaseType ? types.get(qualified(current.BaseType)) : undefined
    ) {
      for (const p of current.Property ?? []) properties[p.Name] ??= nullable(typeSchema(p.Type), p);
      // Navigation properties only appear when expanded; their content is not checked here.
      for (const p of current.NavigationProperty ?? []) properties[p.Name] ??= {};
    }
    definitions[name] = {
      type: 'object',
      title: name,
      properties,
      patternProperties: ANNOTATIONS,
      additionalProperties: false,
    };
  };
  for (const root of roots) ref(`${NAMESPACE}.${root}`);
  while (pending.length > 0) define(pending.shift()!);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment:
      'Generated by scripts/graph-json-schemas.ts from microsoftgraph/msgraph-metadata v1.0-Prod.csdl; do not edit.',
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** Actions the sandbox routes: their parameters are part of the request-body vocabulary. */
export const GRAPH_ACTIONS = ['sendMail', 'getSchedule', 'move', 'send', 'reauthorize'] as const;

/**
 * Every property name of the types reachable from the roots, and the parameter names of the
 * actions, each in Graph's documented camelCase. Graph reads request bodies without regard to
 * case (its own CSDL names sendMail's parameters `Message` and `SaveToSentItems`), so the sandbox
 * maps any spelling onto these. Names that differ only in case are left out: they cannot be mapped.
 */
export function buildPropertyNames(schemas: JsonSchema, csdlXml: string): string[] {
  const names = new Set<string>();
  for (const definition of Object.values(schemas.definitions as Record<string, JsonSchema>)) {
    for (const name of Object.keys((definition.properties as Record<string, unknown> | undefined) ?? {}))
      names.add(name);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: false,
    isArray: (name) => ['Schema', 'Action', 'Parameter'].includes(name),
  });
  const doc = parser.parse(csdlXml);
  for (const schema of doc['edmx:Edmx']['edmx:DataServices'].Schema as Array<Record<string, unknown>>) {
    if (schema.Namespace !== NAMESPACE) continue;
    for (const action of (schema.Action as Array<{ Name: string; Parameter?: Array<{ Name: string }> }>) ??
      []) {
      if (!(GRAPH_ACTIONS as readonly string[]).includes(action.Name)) continue;
      for (const p of action.Parameter ?? []) {
        if (p.Name.toLowerCase() === 'bindingparameter') continue;
        names.add(p.Name[0].toLowerCase() + p.Name.slice(1));
      }
    }
  }
  const byLower = new Map<string, string[]>();
  for (const name of names)
    byLower.set(name.toLowerCase(), [...(byLower.get(name.toLowerCase()) ?? []), name]);
  return [...byLower.values()]
    .filter((spellings) => spellings.length === 1)
    .map((spellings) => spellings[0])
    .sort();
}

export function propertyNamesModule(names: readonly string[]): string {
  return [
    "// Generated by scripts/graph-json-schemas.ts from Microsoft's CSDL (v1.0-Prod.csdl); do not edit.",
    "// The property and action-parameter names of the Graph types the sandbox serves, in Graph's",
    '// spelling, so request bodies can be read without regard to case, as Graph reads them.',
    'export const GRAPH_PROPERTY_NAMES: readonly string[] = [',
    ...names.map((n) => `  '${n}',`),
    '];',
    '',
  ].join('\n');
}

function main(): void {
  const root = path.resolve(import.meta.dirname, '..');
  const csdl = process.argv[2] ?? path.resolve(root, '../shared/specs/graph/v1.0-Prod.csdl');
  const out = process.argv[3] ?? path.resolve(root, 'test/support/graph-schemas/graph.schema.json');
  const xml = readFileSync(csdl, 'utf8');
  const schemas = buildSchemas(loadCsdl(xml), GRAPH_SCHEMA_ROOTS);
  writeFileSync(out, JSON.stringify(schemas, null, 1) + '\n');
  const namesOut = path.resolve(root, 'packages/sandbox/src/graph/property-names.ts');
  writeFileSync(namesOut, propertyNamesModule(buildPropertyNames(schemas, xml)));
  console.log(
    `wrote ${Object.keys(schemas.definitions as object).length} definitions to ${path.relative(process.cwd(), out)}`,
  );
}

if (import.meta.main) main();
