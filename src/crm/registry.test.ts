import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordTypes } from './index.ts';
import { roleCreateSchema } from './roles.ts';
import { shareSchema } from './shares.ts';
import { userCreateSchema, userSchema } from './users.ts';

describe('record type registry', () => {
  it('lists every record type with schemas that convert to JSON Schema', () => {
    expect(recordTypes.map((t) => [t.name, t.recordType])).toEqual([
      ['contacts', 'contact'],
      ['accounts', 'account'],
      ['leads', 'lead'],
      ['deals', 'deal'],
      ['activities', 'activity'],
      ['emails', 'email'],
      ['contactGroups', 'group'],
      ['activityGroups', 'group'],
    ]);
    for (const type of recordTypes) {
      for (const [role, schema] of Object.entries(type.schemas)) {
        const json = z.toJSONSchema(schema, { io: role === 'output' ? 'output' : 'input' }) as Record<
          string,
          unknown
        >;
        expect(json.type, `${type.name}.${role}`).toBe('object');
        if (role !== 'output') expect(json.additionalProperties, `${type.name}.${role}`).toBe(false);
      }
    }
    for (const schema of [shareSchema, userSchema, userCreateSchema, roleCreateSchema]) {
      expect(z.toJSONSchema(schema, { io: 'input' })).toHaveProperty('type', 'object');
    }
  });

  it('creates need what the record cannot do without; updates need nothing', () => {
    const required = (schema: z.ZodType) =>
      (z.toJSONSchema(schema, { io: 'input' }) as { required?: string[] }).required ?? [];
    const byName = Object.fromEntries(recordTypes.map((t) => [t.name, t]));
    expect(required(byName.activities.schemas.create).sort()).toEqual(['kind', 'subject']);
    expect(required(byName.emails.schemas.create)).toEqual(['messageId']);
    expect(required(byName.accounts.schemas.create)).toEqual(['name']);
    for (const type of recordTypes) expect(required(type.schemas.update)).toEqual([]);
  });
});
