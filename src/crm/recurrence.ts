// Recurrence of a meeting or task (C6): an RFC 5545 rule (the parts Exchange can express), the
// occurrences that were moved or changed, and the ones that were deleted. Occurrences are named
// by their original start, as RECURRENCE-ID does.
import { z } from 'zod';
import { dateOnly, instant, LIMITS, longText, nameText, reminderMinutes, shortText } from './fields.ts';
import { SHOW_AS } from './show-as.ts';
import { WEEKDAYS } from './weekdays.ts';

export { WEEKDAYS };

const instantOrDate = z
  .union([instant, dateOnly])
  .meta({ description: 'ISO 8601 instant with offset, or YYYY-MM-DD for all-day series.' });

export const recurrenceRuleSchema = z
  .strictObject({
    freq: z.enum(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']),
    interval: z
      .number()
      .int()
      .min(1)
      .max(999)
      .meta({ description: 'Every n-th period; 1 when omitted.' })
      .optional(),
    byDay: z
      .array(
        z
          .string()
          .regex(
            /^([+-]?([1-9]|[1-4][0-9]|5[0-3]))?(MO|TU|WE|TH|FR|SA|SU)$/,
            'must be a weekday such as MO, 1MO or -1FR',
          ),
      )
      .max(7 * 5)
      .optional(),
    byMonthDay: z
      .array(
        z
          .number()
          .int()
          .min(-31)
          .max(31)
          .refine((n) => n !== 0, 'must not be 0'),
      )
      .max(31)
      .optional(),
    byMonth: z.array(z.number().int().min(1).max(12)).max(12).optional(),
    bySetPos: z
      .array(
        z
          .number()
          .int()
          .min(-366)
          .max(366)
          .refine((n) => n !== 0, 'must not be 0'),
      )
      .max(10)
      .optional(),
    count: z.number().int().min(1).max(10_000).optional(),
    until: instantOrDate.optional(),
    wkst: z.enum(WEEKDAYS).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.count !== undefined && rule.until !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'give either count or until, not both' });
    }
  });

export const recurrenceExceptionSchema = z.strictObject({
  originalStart: instantOrDate.meta({ description: 'Start of the occurrence as the rule generates it.' }),
  startsAt: instant.optional(),
  endsAt: instant.optional(),
  subject: nameText.optional(),
  location: shortText.optional(),
  body: longText.optional(),
  showAs: z
    .enum(SHOW_AS)
    .meta({ description: "This occurrence's free/busy status; the series' when omitted." })
    .optional(),
  reminderMinutes: reminderMinutes
    .meta({
      description:
        "Minutes before this occurrence's start, null for none at it; the series' reminder when omitted.",
    })
    .optional(),
});

export const recurrenceSchema = z
  .strictObject({
    rule: recurrenceRuleSchema,
    exceptions: z
      .array(recurrenceExceptionSchema)
      .max(LIMITS.entries * 20)
      .optional(),
    deletedOccurrences: z
      .array(instantOrDate)
      .max(LIMITS.entries * 20)
      .optional()
      .meta({ description: 'Original starts of deleted occurrences.' }),
  })
  .meta({
    description: 'Recurrence pattern with modified and deleted occurrences; null for a single activity.',
  });

export type RecurrenceRule = z.infer<typeof recurrenceRuleSchema>;
export type Recurrence = z.infer<typeof recurrenceSchema>;

/** The stored form: every optional list present, interval explicit, so round trips compare equal. */
export function normaliseRecurrence(recurrence: Recurrence | null | undefined): Recurrence | null {
  if (!recurrence) return null;
  return {
    rule: { ...recurrence.rule, interval: recurrence.rule.interval ?? 1 },
    exceptions: recurrence.exceptions ?? [],
    deletedOccurrences: recurrence.deletedOccurrences ?? [],
  };
}
