// The user API's shapes (F1): what a user looks like, what creating, changing and listing take.
import { z } from 'zod';
import { emailAddress, idSchema, instant, nameText, timeZone } from './fields.ts';

/** A new password: the rule for creating a user, changing and resetting a password. */
export const newPassword = z.string().min(8, 'must be at least 8 characters').max(1024);
/** The languages the web UI speaks. */
export const LOCALES = ['en', 'de', 'fr', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
const locale = z
  .enum(LOCALES)
  .nullable()
  .meta({ description: "The web UI's language; null follows the browser's languages." });

const roleKeys = z
  .array(z.string().min(1).max(256))
  .max(50)
  .meta({ description: 'Role names or ids; replaces the user’s roles.' });

export const userSchema = z.strictObject({
  id: idSchema,
  email: z.string(),
  displayName: z.string(),
  active: z.boolean(),
  timeZone: z.string(),
  locale,
  roles: z.array(z.strictObject({ id: idSchema, name: z.string() })),
  createdAt: instant,
  updatedAt: instant,
});
export const userCreateSchema = z.strictObject({
  email: emailAddress,
  displayName: nameText.min(1),
  password: newPassword.optional(),
  active: z.boolean().optional(),
  timeZone: timeZone.optional(),
  locale: locale.optional(),
  roles: roleKeys.optional(),
});
export const userUpdateSchema = z.strictObject({
  email: emailAddress.optional(),
  displayName: nameText.min(1).optional(),
  active: z.boolean().optional(),
  timeZone: timeZone.optional(),
  locale: locale.optional(),
  roles: roleKeys.optional(),
});
export const userFilterSchema = z.strictObject({
  q: z.string().max(256).optional().meta({ description: 'Part of the name or email.' }),
  active: z.enum(['true', 'false']).optional(),
});

export type User = z.infer<typeof userSchema>;

/** What a password change or deactivation ended, so the caller can say so. */
export interface CredentialsEnded {
  sessionsEnded: number;
  tokensRevoked: number;
}

export type OwnPasswordChange = ({ ok: true } & CredentialsEnded) | { ok: false; reason: 'wrong_password' };
export type UserCreate = z.input<typeof userCreateSchema>;
export type UserUpdate = z.input<typeof userUpdateSchema>;
export type UserFilter = z.input<typeof userFilterSchema>;
