import type { ComponentChildren } from 'preact';

/** A message in the page: errors are announced to screen readers at once. */
export function Notice(props: {
  kind: 'error' | 'warning' | 'success' | 'info';
  title?: string;
  children?: ComponentChildren;
}) {
  const urgent = props.kind === 'error' || props.kind === 'warning';
  return (
    <div class={`notice notice-${props.kind}`} role={urgent ? 'alert' : 'status'}>
      {props.title && <strong class="notice-title">{props.title}</strong>}
      <div>{props.children}</div>
    </div>
  );
}
