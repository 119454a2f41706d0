// An email address that may wrap only where a reader expects it: before the @ and before each
// dot, never in the middle of a name.
import { Fragment } from 'preact';

export function Address(props: { value: string }) {
  const parts = props.value.split(/(?=[@.])/);
  return (
    <span class="address">
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
