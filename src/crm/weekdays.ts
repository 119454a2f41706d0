// RFC 5545's weekday codes in the order the CRM writes them, Monday first. A module of its own,
// free of the validation schemas, so the web UI's recurrence screens can read it without them.
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
