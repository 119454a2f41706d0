// Tabs as the WAI-ARIA pattern describes them: one tab stop for the whole tab list, arrow keys,
// Home and End move between tabs and show their panel at once. Hidden panels stay mounted, so
// unsaved edits in one tab survive a look at another.
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';

export interface TabSpec {
  id: string;
  label: ComponentChildren;
  panel: ComponentChildren;
}

export function Tabs(props: {
  label: string;
  tabs: TabSpec[];
  selected: string;
  onSelect: (id: string) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const index = Math.max(
    0,
    props.tabs.findIndex((t) => t.id === props.selected),
  );

  const move = (to: number) => {
    const count = props.tabs.length;
    const target = props.tabs[(to + count) % count];
    props.onSelect(target.id);
    list.current?.querySelector<HTMLButtonElement>(`#tab-${target.id}`)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowRight: () => move(index + 1),
      ArrowLeft: () => move(index - 1),
      Home: () => move(0),
      End: () => move(props.tabs.length - 1),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  return (
    <>
      <div class="tabs" role="tablist" aria-label={props.label} ref={list} onKeyDown={onKeyDown}>
        {props.tabs.map((t, i) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={i === index}
            aria-controls={`panel-${t.id}`}
            tabIndex={i === index ? 0 : -1}
            onClick={() => props.onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {props.tabs.map((t, i) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`panel-${t.id}`}
          aria-labelledby={`tab-${t.id}`}
          // The WAI-ARIA tabs pattern: Tab from the tab list lands on the panel, even one
          // (Email, Meetings and tasks) with nothing focusable inside.
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a tab panel is a focus stop by design
          tabIndex={0}
          hidden={i !== index}
          class="tab-panel"
        >
          {t.panel}
        </div>
      ))}
    </>
  );
}
