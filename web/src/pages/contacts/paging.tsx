// Cursor paging for the record lists. The address holds the page's cursor, so that a reload or
// a shared link opens the same page; the way back (previous cursor, position) is remembered
// while the app runs, since a cursor only knows the way forward.

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
    <nav class="pager" aria-label={`Pages of ${props.what}`}>
      {props.cursor &&
        (trail ? (
          <button type="button" class="secondary" onClick={() => props.onGo(trail.previous)}>
            Previous page
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => props.onGo(null)}>
            First page
          </button>
        ))}
      <span class="muted" aria-live="polite">
        {trail && trail.first > 0
          ? `${props.what} ${trail.first}–${trail.first + props.count - 1}`
          : `${props.count} ${props.what}`}
      </span>
      {props.nextCursor && (
        <button type="button" class="secondary" onClick={goNext}>
          Next page
        </button>
      )}
    </nav>
  );
}
