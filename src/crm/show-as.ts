// The free/busy statuses an activity (and each of its modified occurrences) is shown as: its own
// module so the recurrence schema can use them without importing the activity schema.
export const SHOW_AS = ['free', 'tentative', 'busy', 'oof', 'working_elsewhere'] as const;
