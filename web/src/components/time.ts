// Times as people read them: "2 min ago", "at 10:42", in the user's language and the browser's
// zone.
import { locale, t } from '../i18n.ts';

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return t('common.never');
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return t('common.justNow');
  const relative = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  if (abs < 45 * 60) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 22 * 3600) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return t('common.none');
  return new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** A calendar date without a time (a birthday): "12 March 1980" in the user's language. */
export function calendarDate(
  isoDate: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'long' },
): string {
  return new Date(`${isoDate}T00:00:00`).toLocaleDateString(locale(), options);
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return t('common.none');
  if (ms < 1000) return t('time.duration.ms', { value: ms });
  if (ms < 60_000) return t('time.duration.s', { value: Math.round(ms / 100) / 10 });
  return t('time.duration.min', {
    minutes: Math.floor(ms / 60_000),
    seconds: Math.round((ms % 60_000) / 1000),
  });
}
