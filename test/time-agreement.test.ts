// Exsync's connectors and its Exchange emulator must read a local time in a zone as the same
// instant, or a meeting synced through one and read through the other moves. Each path is taken
// through its own entry point: the EWS connector writing an event, the Graph connector reading
// one in another zone, the sandbox's EWS and Graph front ends and its seed builders.

import { parseDateTime } from '@exsync/sandbox/ews/time/datetime';
import { fromDateTimeTimeZone, toDateTimeTimeZone } from '@exsync/sandbox/graph/time';
import { instantAt } from '@exsync/sandbox/seed/builders';
import { describe, expect, it } from 'vitest';
import { eventFromEws, eventToEws } from '../src/connectors/ews/mapping/event.ts';
import { zonedFromGraph } from '../src/connectors/graph/mapping/common.ts';
import type { NeutralEvent } from '../src/connectors/types.ts';

/** IANA zone (the connectors' model) and the Windows name Exchange stores for it (the sandbox's). */
const ZONES = [
  ['Europe/Berlin', 'W. Europe Standard Time'],
  ['America/New_York', 'Eastern Standard Time'],
  ['Asia/Kolkata', 'India Standard Time'],
  ['Australia/Lord_Howe', 'Lord Howe Standard Time'],
  ['Pacific/Chatham', 'Chatham Islands Standard Time'],
  ['America/St_Johns', 'Newfoundland Standard Time'],
] as const;

const HOUR = 3600000;
const YEAR_2024 = { from: Date.UTC(2024, 0, 1), to: Date.UTC(2025, 0, 1) };

/** Every local hour of 2024 and a quarter to each (Chatham changes at 02:45, Lord Howe by half an hour). */
function localTimes(): string[] {
  const out: string[] = [];
  for (let ms = YEAR_2024.from; ms < YEAR_2024.to; ms += HOUR) {
    const hour = new Date(ms).toISOString().slice(0, 13);
    out.push(`${hour}:00:00`, `${hour}:45:00`);
  }
  return out;
}

function ewsConnectorInstant(local: string, zone: string): string {
  const event: NeutralEvent = {
    subject: 'x',
    start: { dateTime: local, timeZone: zone },
    end: { dateTime: local, timeZone: zone },
    isAllDay: false,
    attendees: [],
    showAs: 'busy',
    importance: 'normal',
    categories: [],
    type: 'single',
  };
  return /<t:Start>([^<]+)<\/t:Start>/.exec(eventToEws(event))![1];
}

function graphConnectorInstant(local: string, zone: string): string {
  return `${zonedFromGraph({ dateTime: `${local}.0000000`, timeZone: zone }, 'UTC')!.dateTime}Z`;
}

/** The EWS connector reading an item the sandbox answered with (a UTC Start and its Windows zone), as parsed. */
function ewsConnectorLocal(instant: string, windows: string): string {
  return eventFromEws({ Start: instant, End: instant, StartTimeZoneId: windows }).start.dateTime;
}

const seconds = (iso: string) => new Date(Date.parse(iso)).toISOString();

describe('the connectors and the sandbox read local times as the same instants', () => {
  const locals = localTimes();

  it.each(ZONES)('local → instant over 2024 in %s', (iana, windows) => {
    let disagreements = 0;
    for (const local of locals) {
      const connector = seconds(ewsConnectorInstant(local, iana));
      const answers = [
        seconds(graphConnectorInstant(local, iana)),
        new Date(parseDateTime(local, windows)).toISOString(),
        fromDateTimeTimeZone({ dateTime: local, timeZone: windows }, 'start').instant,
        instantAt(local.slice(0, 10), local.slice(11, 16), windows),
      ];
      for (const a of answers) if (a !== connector) disagreements++;
      if (disagreements > 0) {
        expect({ local, connector, answers }).toEqual({
          local,
          connector,
          answers: answers.map(() => connector),
        });
      }
    }
  });

  it.each(ZONES)('instant → local over 2024 in %s', (_iana, windows) => {
    for (let ms = YEAR_2024.from; ms < YEAR_2024.to; ms += HOUR / 4) {
      const instant = new Date(ms).toISOString();
      const sandbox = toDateTimeTimeZone(instant, windows).dateTime.slice(0, 19);
      const connector = ewsConnectorLocal(instant, windows);
      if (connector !== sandbox) expect({ instant, connector }).toEqual({ instant, connector: sandbox });
    }
  });
});
