// Roles carry system operations and are share targets. "Administrators" (every operation)
// and "Sales" (none) are built in.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { CrmError, forbidden, notFound, parseInput } from './errors.ts';
import { idSchema, instant, nameText } from './fields.ts';
import { newId } from './ids.ts';
import { type Principal, SYSTEM_OPERATIONS, type SystemOperation } from './principal.ts';

export const ADMINISTRATORS_ROLE = 'Administrators';
export const SALES_ROLE = 'Sales';
const BUILT_IN: Record<string, SystemOperation[]> = {
  [ADMINISTRATORS_ROLE]: ['CanManageAdministration', 'CanManageUsers', 'CanImportExport'],
  [SALES_ROLE]: [],
};

export const roleSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  operations: z.array(z.enum(SYSTEM_OPERATIONS)),
  builtIn: z.boolean(),
  createdAt: instant,
});
export const roleCreateSchema = z.strictObject({
  name: nameText.min(1),
  operations: z.array(z.enum(SYSTEM_OPERATIONS)).max(SYSTEM_OPERATIONS.length).optional(),
});
export const roleUpdateSchema = roleCreateSchema.partial();

export type Role = z.infer<typeof roleSchema>;
export type RoleCreate = z.input<typeof roleCreateSchema>;
export type RoleUpdate = z.input<typeof roleUpdateSchema>;

function toRole(row: Database['roles']): Role {
  return {
    id: row.id,
    name: row.name,
    operations: JSON.parse(row.operations) as SystemOperation[],
    builtIn: row.name in BUILT_IN,
    createdAt: row.created_at,
  };
}

function requireAdmin(principal: Principal, what: string): void {
  if (!principal.isAdmin) throw forbidden(`${what} (needs CanManageAdministration)`);
}

export function createRoles(db: Kysely<Database>) {
  async function byName(name: string) {
    return db.selectFrom('roles').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async function assertNameFree(name: string, exceptId?: string) {
    const existing = await byName(name);
    if (existing && existing.id !== exceptId) {
      throw new CrmError('conflict', `A role named "${name}" already exists.`, [
        { path: 'name', message: 'already exists' },
      ]);
    }
  }

  return {
    /** Creates the built-in roles if missing; safe to call at every start. */
    async ensureBuiltIn(): Promise<{ administrators: Role; sales: Role }> {
      const out: Record<string, Role> = {};
      for (const [name, operations] of Object.entries(BUILT_IN)) {
        let row = await byName(name);
        if (!row) {
          await db
            .insertInto('roles')
            .values({
              id: newId(),
              name,
              operations: JSON.stringify(operations),
              created_at: new Date().toISOString(),
            })
            .onConflict((oc) => oc.column('name').doNothing())
            .execute();
          row = await byName(name);
        }
        out[name] = toRole(row!);
      }
      return { administrators: out[ADMINISTRATORS_ROLE], sales: out[SALES_ROLE] };
    },

    async list(_principal: Principal): Promise<Role[]> {
      const rows = await db.selectFrom('roles').selectAll().orderBy('name').execute();
      return rows.map(toRole);
    },

    async get(_principal: Principal, id: string): Promise<Role> {
      const row = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('role', id);
      return toRole(row);
    },

    async create(principal: Principal, input: RoleCreate): Promise<Role> {
      requireAdmin(principal, 'create roles');
      const data = parseInput(roleCreateSchema, input);
      await assertNameFree(data.name);
      const row = {
        id: newId(),
        name: data.name,
        operations: JSON.stringify([...new Set(data.operations ?? [])]),
        created_at: new Date().toISOString(),
      };
      await db.insertInto('roles').values(row).execute();
      return toRole(row);
    },

    async update(principal: Principal, id: string, patch: RoleUpdate): Promise<Role> {
      requireAdmin(principal, 'change roles');
      const data = parseInput(roleUpdateSchema, patch);
      const current = await this.get(principal, id);
      if (current.builtIn) throw forbidden(`change the built-in role "${current.name}"`);
      if (data.name !== undefined) await assertNameFree(data.name, id);
      const set: Partial<Database['roles']> = {};
      if (data.name !== undefined) set.name = data.name;
      if (data.operations !== undefined) set.operations = JSON.stringify([...new Set(data.operations)]);
      if (Object.keys(set).length > 0) await db.updateTable('roles').set(set).where('id', '=', id).execute();
      return this.get(principal, id);
    },

    async delete(principal: Principal, id: string): Promise<void> {
      requireAdmin(principal, 'delete roles');
      const current = await this.get(principal, id);
      if (current.builtIn) throw forbidden(`delete the built-in role "${current.name}"`);
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('shares')
          .where('principal_type', '=', 'role')
          .where('principal_id', '=', id)
          .execute();
        await trx.deleteFrom('roles').where('id', '=', id).execute();
      });
    },

    /** Role ids for names or ids; unknown ones are reported by their position in `path`. */
    async resolve(trx: Kysely<Database>, namesOrIds: string[], path: string): Promise<Role[]> {
      if (namesOrIds.length === 0) return [];
      const rows = await trx
        .selectFrom('roles')
        .selectAll()
        .where((eb) => eb.or([eb('id', 'in', namesOrIds), eb('name', 'in', namesOrIds)]))
        .execute();
      const roles = rows.map(toRole);
      namesOrIds.forEach((key, i) => {
        if (!roles.some((r) => r.id === key || r.name === key)) {
          throw new CrmError('invalid_reference', `${path}.${i}: no role "${key}"`, [
            { path: `${path}.${i}`, message: `no role with this name or id` },
          ]);
        }
      });
      return roles;
    },
  };
}

export type RoleService = ReturnType<typeof createRoles>;
