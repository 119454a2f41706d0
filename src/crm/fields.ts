// Shared field schemas for the API objects: limits, formats and multi-valued collections. They
// avoid transforms so that z.toJSONSchema can describe every schema built from them (OpenAPI).

import { isIanaZone } from '@exsync/common/time';
import { codePointName, forbiddenXmlChar } from '@exsync/common/xml-chars';
import { z } from 'zod';

export const LIMITS = {
  name: 256,
  shortText: 1024,
  /** Notes and bodies: 1 MB of characters. */
  longText: 1_000_000,
  /** Entries of one multi-valued field (emails, phones, categories, participants, …). */
  entries: 50,
  email: 320,
  url: 2048,
  phone: 64,
} as const;

export const idSchema = z.string().min(1).max(64).meta({ description: 'Record id (UUIDv7).' });

/**
 * Text Exchange can store: a control character such as NUL would make Exchange refuse the whole
 * request the record travels in (@exsync/common/xml-chars), so it is refused here with its position.
 */
function storable(text: z.ZodString): z.ZodString {
  return text.check(
    z.refine((value: string) => forbiddenXmlChar(value) === undefined, {
      error: (issue) => {
        const bad = forbiddenXmlChar(String(issue.input))!;
        return `contains the control character ${codePointName(bad.codePoint)} at position ${bad.index + 1}, which Exchange cannot store; remove it`;
      },
    }),
  );
}

export const nameText = storable(z.string().trim().max(LIMITS.name));
export const shortText = storable(z.string().trim().max(LIMITS.shortText));
export const longText = storable(z.string().max(LIMITS.longText));

export const emailAddress = z.email().max(LIMITS.email).meta({ description: 'Email address.' });

/** A reminder as minutes before a start (up to a year); null for none. */
export const reminderMinutes = z
  .number()
  .int()
  .min(0)
  .max(60 * 24 * 365)
  .nullable();

export const dateOnly = z.iso.date().meta({ description: 'Calendar date, YYYY-MM-DD.' });

export const instant = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO 8601 instant with offset or Z; returned normalised to UTC (…Z).' });

export const timeZone = z
  .string()
  .max(64)
  .refine(isIanaZone, { message: 'not an IANA time zone name (e.g. Europe/Berlin or UTC)' })
  .meta({ description: 'IANA time zone name, e.g. Europe/Berlin.' });

export const categories = z
  .array(storable(z.string().trim().min(1).max(LIMITS.name)))
  .max(LIMITS.entries)
  .meta({ description: 'Category names, in order.' });

export const emailEntry = z.strictObject({
  type: z.enum(['work', 'home', 'other']),
  address: emailAddress,
});
export const emailList = z
  .array(emailEntry)
  .max(LIMITS.entries)
  .meta({ description: 'Email addresses, in order.' });

export const PHONE_TYPES = [
  'work',
  'work2',
  'home',
  'home2',
  'mobile',
  'fax_work',
  'fax_home',
  'assistant',
  'company',
  'pager',
  'car',
  'other',
] as const;
export const phoneEntry = z.strictObject({
  type: z.enum(PHONE_TYPES),
  number: storable(z.string().trim().min(1).max(LIMITS.phone)).meta({
    description: 'As given; the sync normalises it.',
  }),
});
export const phoneList = z
  .array(phoneEntry)
  .max(LIMITS.entries)
  .meta({ description: 'Phone numbers, in order.' });

export const postalAddress = z.strictObject({
  street: shortText.nullable().optional(),
  city: nameText.nullable().optional(),
  region: nameText.nullable().optional(),
  postalCode: storable(z.string().trim().max(32)).nullable().optional(),
  country: nameText.nullable().optional(),
});
export const addressEntry = postalAddress.extend({ type: z.enum(['work', 'home', 'other']) });
export const addressList = z
  .array(addressEntry)
  .max(LIMITS.entries)
  .meta({ description: 'Postal addresses, in order.' });

export const websiteEntry = z.strictObject({
  type: z.enum(['work', 'personal', 'other']),
  url: storable(z.string().trim().min(1).max(LIMITS.url)),
});
export const websiteList = z
  .array(websiteEntry)
  .max(LIMITS.entries)
  .meta({ description: 'Websites, in order.' });

export const idList = z.array(idSchema).max(500);

/** What every record returned by the API carries. */
export const recordBase = {
  id: idSchema,
  ownerId: idSchema,
  createdAt: instant,
  updatedAt: instant,
  version: z
    .number()
    .int()
    .meta({ description: 'Journal version of the last change; pass as ifVersion to update.' }),
};

export const ownerIdInput = idSchema.meta({
  description: 'Owner; only administrators may give records to someone else.',
});

export const ifVersion = z
  .number()
  .int()
  .min(0)
  .meta({ description: 'Reject the update with `conflict` unless the record is still at this version.' });

/** Query-string filters common to every list. */
export const listFilterBase = {
  ownerId: idSchema.optional(),
  updatedSince: instant.optional(),
};

export const groupRef = z.strictObject({ id: idSchema, name: z.string() });

/** The same fields, each optional: the shape of partial updates and of create inputs. */
export function allOptional<T extends z.ZodRawShape>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(
    Object.entries(shape).map(([k, v]) => [k, (v as z.ZodType).optional()]),
  ) as unknown as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}
