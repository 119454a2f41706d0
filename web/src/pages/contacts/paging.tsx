// Cursor paging for the record lists. The address holds the page's cursor, so that a reload or
// a shared link opens the same page; the way back (previous cursor, position) is remembered
// while the app runs, since a cursor only knows the way forward. A new page starts at the top:
// the window scrolls up and focus goes to the list's heading.
import { useEffect, useRef } from 'preact/hooks';
import { Field } from '../../components/field.tsx';
import { t } from '../../i18n.ts';

interface Trail {
  previous: string | null;
  /** Position of the page's first row, counted from 1. */
  first: number;
}

const trails = new Map<string, Trail>();

export function Pager(props: {
  cursor: string | null;
  nextCursor: string | null;
  count: number;
  /** Records matching the filters in all pages. */
  total?: number;
  what: string;
  onGo: (cursor: string | null) => void;
}) {
  const trail = props.cursor ? trails.get(props.cursor) : { previous: null, first: 1 };

  if (props.count === 0 || (!props.cursor && !props.nextCursor)) return null;
  const goNext = () => {
    if (!props.nextCursor) return;
    trails.set(props.nextCursor, {
      previous: props.cursor,
      // 0: the position is unknown (the page was opened by its address).
      first: trail && trail.first > 0 ? trail.first + props.count : 0,
    });
    props.onGo(props.nextCursor);
  };
  return (
    <nav class="pager" aria-label={t('lists.pages', { what: props.what })}>
      {props.cursor &&
        (trail ? (
          <button type="button" class="secondary" onClick={() => props.onGo(trail.previous)}>
            {t('lists.previous')}
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => props.onGo(null)}>
            {t('lists.firstPage')}
          </button>
        ))}
      <span class="muted" aria-live="polite">
        {trail && trail.first > 0
          ? props.total === undefined
            ? t('lists.range', { what: props.what, first: trail.first, last: trail.first + props.count - 1 })
            : t('lists.rangeOfTotal', {
                first: trail.first,
                last: trail.first + props.count - 1,
                total: props.total,
              })
          : props.total === undefined
            ? t('lists.count', { count: props.count, what: props.what })
            : t('lists.rangeOfTotal', { first: 1, last: props.count, total: props.total })}
      </span>
      {props.nextCursor && (
        <button type="button" class="secondary" onClick={goNext}>
          {t('lists.next')}
        </button>
      )}
    </nav>
  );
}

/**
 * After a change of page (not on the first show): the window back at the top and focus on the
 * screen's heading, so that the new page is read from its start.
 */
export function usePageTop(cursor: string | null): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo({ top: 0 });
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [cursor]);
}

/** "12 contacts" above a list: how many match, in all pages (the list's own plural message). */
export function TotalCount(props: { text: string | null }) {
  if (props.text === null) return null;
  return (
    <p class="muted crm-total" aria-live="polite">
      {props.text}
    </p>
  );
}

export interface SortChoice {
  value: string;
  label: () => string;
}

/** The sorts every record list offers; a list leaves out those its records lack. */
export const SORTS = {
  added: { value: '', label: () => t('lists.sort.added') },
  name: { value: 'name', label: () => t('lists.sort.name') },
  nameDown: { value: '-name', label: () => t('lists.sort.nameDown') },
  company: { value: 'company', label: () => t('lists.sort.company') },
  changed: { value: '-changed', label: () => t('lists.sort.changed') },
} satisfies Record<string, SortChoice>;

/** The "Sort by" choice of a list; the value lives in the address (`sort`). */
export function SortSelect(props: {
  value: string;
  choices: SortChoice[];
  onChange: (value: string) => void;
}) {
  return (
    <Field label={t('lists.sortBy')}>
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          {props.choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label()}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
