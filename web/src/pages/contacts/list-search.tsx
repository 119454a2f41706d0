// The search box of the record lists. The search lives in the address (`q`): the box follows it
// (back, reload) and updates it shortly after typing stops, or at once on Enter.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Field } from '../../components/field.tsx';
import { t } from '../../i18n.ts';

const TYPING_PAUSE_MS = 350;

/** The text in the search box; `search` replaces the address's search once typing pauses. */
export function useSearchText(q: string, search: (q: string) => void): [string, (text: string) => void] {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => search(text.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  });
  return [text, setText];
}

/** The filter bar: the search box, then the list's other filters (`children`). */
export function ListSearch(props: {
  /** Names the search landmark, e.g. "Contact filters". */
  label: string;
  placeholder: string;
  text: string;
  onText: (text: string) => void;
  onSearch: (q: string) => void;
  children?: ComponentChildren;
}) {
  return (
    <search aria-label={props.label}>
      <form
        class="toolbar crm-filters"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSearch(props.text.trim());
        }}
      >
        <Field label={t('lists.search')}>
          {(id) => (
            <input
              id={id}
              type="search"
              value={props.text}
              placeholder={props.placeholder}
              onInput={(e) => props.onText(e.currentTarget.value)}
            />
          )}
        </Field>
        {props.children}
      </form>
    </search>
  );
}
