// A meeting's free/busy status in the CRM's words and in Exchange's, for a series and for each
// of its modified occurrences alike.
import type { ShowAs } from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';

export const SHOW_AS_ITEM: Record<Activity['showAs'], ShowAs> = {
  free: 'free',
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  working_elsewhere: 'workingElsewhere',
};
/** Exchange's `unknown` (no data) has no CRM value: it is read as busy, the CRM's default. */
export const SHOW_AS_CRM: Record<ShowAs, Activity['showAs']> = {
  free: 'free',
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  workingElsewhere: 'working_elsewhere',
  unknown: 'busy',
};
