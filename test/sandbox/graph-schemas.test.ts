// The committed JSON Schemas are what scripts/graph-json-schemas.ts makes from Microsoft's CSDL,
// and they are strict enough to catch a property Graph does not define.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildPropertyNames,
  buildSchemas,
  GRAPH_SCHEMA_ROOTS,
  loadCsdl,
  propertyNamesModule,
} from '../../scripts/graph-json-schemas.ts';
import { assertGraphEntity } from '../support/graph-schema.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('Graph JSON Schemas from the CSDL', () => {
  it('match what the generator makes from v1.0-Prod.csdl', () => {
    const csdl = readFileSync(path.resolve(root, '../shared/specs/graph/v1.0-Prod.csdl'), 'utf8');
    const fresh = buildSchemas(loadCsdl(csdl), GRAPH_SCHEMA_ROOTS);
    const committed = JSON.parse(
      readFileSync(path.resolve(root, 'test/support/graph-schemas/graph.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(fresh)));
    // The names the sandbox maps request bodies onto are the generator's too.
    const names = buildPropertyNames(fresh, csdl);
    expect(names).toContain('saveToSentItems');
    expect(names).toContain('availabilityViewInterval');
    expect(readFileSync(path.resolve(root, 'packages/sandbox/src/graph/property-names.ts'), 'utf8')).toBe(
      propertyNamesModule(names),
    );
  });

  it('flatten base types and reject unknown properties, wrong types and bad enum values', () => {
    assertGraphEntity('contact', {
      id: 'x',
      changeKey: 'ck',
      categories: [],
      givenName: null,
      '@odata.etag': 'W/"ck"',
    });
    expect(() => assertGraphEntity('contact', { id: 'x', favouriteColour: 'blue' })).toThrow(
      /additional properties/,
    );
    expect(() => assertGraphEntity('contact', { displayName: 5 })).toThrow(/must be string/);
    expect(() => assertGraphEntity('event', { showAs: 'sleeping' })).toThrow(/allowed values/);
    expect(() => assertGraphEntity('todoTask', { importance: null })).toThrow();
    assertGraphEntity('event', {
      attendees: [
        {
          type: 'required',
          emailAddress: { address: 'a@b' },
          status: { response: 'accepted', time: '2026-01-01T00:00:00Z' },
        },
      ],
    });
  });
});
