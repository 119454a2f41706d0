/** Heads of columns of numbers, aligned like the numbers below them. */
export function NumberHeads(props: { labels: readonly string[] }) {
  return (
    <>
      {props.labels.map((label) => (
        <th key={label} scope="col" class="num">
          {label}
        </th>
      ))}
    </>
  );
}
