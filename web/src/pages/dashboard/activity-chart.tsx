// Synced items and errors over time, drawn as inline SVG at the width it is shown at, with a
// title, a description that states the totals, and the same numbers as a table.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import type { SyncActivity } from '../../types.ts';
import { plural, RUN_TOTALS, total } from './format.ts';
import { NumberHeads } from './number-heads.tsx';

export type Range = 'day' | 'week' | 'month';

export const RANGES: Record<Range, { label: string; bucket: 'hour' | 'day'; count: number }> = {
  day: { label: 'Last 24 hours', bucket: 'hour', count: 24 },
  week: { label: 'Last 14 days', bucket: 'day', count: 14 },
  month: { label: 'Last 30 days', bucket: 'day', count: 30 },
};

/** [from, to) ending with the current local hour or day, so bars are the viewer's own hours and days. */
export function rangeOf(range: Range, now = new Date()): { from: string; to: string } {
  const { bucket, count } = RANGES[range];
  const end = new Date(now);
  if (bucket === 'hour') end.setMinutes(60, 0, 0);
  else {
    end.setHours(0, 0, 0, 0);
    end.setDate(end.getDate() + 1);
  }
  const start = new Date(end);
  if (bucket === 'hour') start.setHours(start.getHours() - count);
  else start.setDate(start.getDate() - count);
  return { from: start.toISOString(), to: end.toISOString() };
}

type Point = SyncActivity['points'][number];

const bucketLabel = (p: Point, bucket: 'hour' | 'day', long = false) =>
  bucket === 'hour'
    ? new Date(p.start).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : new Date(p.start).toLocaleDateString(
        undefined,
        long ? { dateStyle: 'medium' } : { day: 'numeric', month: 'short' },
      );

/** Round maximum for an axis: 1, 2, 5, 10, 20, 50 … */
function niceMax(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const f of [1, 2, 5, 10]) if (f * power >= n) return f * power;
  return 10 * power;
}

export function ActivityChart(props: { version: number }) {
  const [range, setRange] = useState<Range>('week');
  const [activity, reload] = useLoad(
    (signal) => {
      const { from, to } = rangeOf(range);
      return get<SyncActivity>('/api/v1/sync/activity', { from, to, bucket: RANGES[range].bucket }, signal);
    },
    [range, props.version],
  );
  const selectId = useId();
  return (
    <section class="card dashboard-chart" aria-labelledby="chart-heading">
      <div class="section-head">
        <h2 id="chart-heading">Synced items and errors</h2>
        <div class="field inline-field">
          <label for={selectId}>Period</label>
          <select id={selectId} value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
            {(Object.keys(RANGES) as Range[]).map((r) => (
              <option key={r} value={r}>
                {RANGES[r].label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Loading value={activity} what="the sync activity" retry={() => void reload()}>
        {(data) => <Chart data={data} label={RANGES[range].label.toLowerCase()} />}
      </Loading>
    </section>
  );
}

function Chart(props: { data: SyncActivity; label: string }) {
  const { data } = props;
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(260, Math.floor(element.clientWidth))));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const id = useId();
  const points = data.points;
  const items = points.map((p) => ({ imported: total(p.import), exported: total(p.export) }));
  const totals = items.reduce(
    (s, i) => ({ imported: s.imported + i.imported, exported: s.exported + i.exported }),
    {
      imported: 0,
      exported: 0,
    },
  );
  const errors = points.reduce((s, p) => s + p.errors, 0);
  const runs = points.reduce((s, p) => s + p.runs, 0);
  const conflicts = points.reduce((s, p) => s + p.conflicts, 0);
  const summary =
    `${plural(runs, 'run')} in the ${props.label} over ${plural(data.mailboxes, 'mailbox', 'mailboxes')}: ` +
    `${plural(totals.exported, 'item')} synced CRM → Exchange, ${plural(totals.imported, 'item')} Exchange → CRM, ` +
    `${plural(conflicts, 'conflict')}, ${plural(errors, 'error')}.`;

  const pad = { left: 36, right: 8, top: 10 };
  const itemsHeight = 150;
  const errorsTop = pad.top + itemsHeight + 46;
  const errorsHeight = 36;
  const height = errorsTop + errorsHeight + 22;
  const plotWidth = width - pad.left - pad.right;
  const step = plotWidth / Math.max(1, points.length);
  const barWidth = Math.max(2, Math.min(28, step * 0.7));
  const itemMax = niceMax(Math.max(...items.map((i) => i.imported + i.exported), 0));
  const errorMax = niceMax(Math.max(...points.map((p) => p.errors), 0));
  const y = (v: number) => pad.top + itemsHeight - (v / itemMax) * itemsHeight;
  const ey = (v: number) => errorsTop + errorsHeight - (v / errorMax) * errorsHeight;
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(plotWidth / 56))));
  const ticks = [0, itemMax / 2, itemMax];

  return (
    <>
      <p class="chart-summary">{summary}</p>
      <ul class="chart-legend" aria-hidden="true">
        <li>
          <span class="swatch swatch-export" /> CRM → Exchange
        </li>
        <li>
          <span class="swatch swatch-import" /> Exchange → CRM
        </li>
        <li>
          <span class="swatch swatch-error" /> Errors
        </li>
      </ul>
      <div class="chart-box" ref={box}>
        <svg
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          data-testid="activity-chart"
        >
          <title id={`${id}-title`}>Synced items and errors, {props.label}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          {ticks.map((t) => (
            <g key={t} class="chart-grid">
              <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} />
              <text x={pad.left - 6} y={y(t) + 4} text-anchor="end">
                {Number.isInteger(t) ? t : t.toFixed(1)}
              </text>
            </g>
          ))}
          {points.map((p, i) => {
            const x = pad.left + i * step + (step - barWidth) / 2;
            const { imported, exported } = items[i];
            const failed = p.errors;
            const tip = `${bucketLabel(p, data.bucket, true)}: ${exported} CRM → Exchange, ${imported} Exchange → CRM, ${plural(failed, 'error')}`;
            return (
              <g key={p.start}>
                <title>{tip}</title>
                {exported > 0 && (
                  <rect
                    class="bar-export"
                    x={x}
                    width={barWidth}
                    y={y(exported)}
                    height={pad.top + itemsHeight - y(exported)}
                  />
                )}
                {imported > 0 && (
                  <rect
                    class="bar-import"
                    x={x}
                    width={barWidth}
                    y={y(exported + imported)}
                    height={y(exported) - y(exported + imported)}
                  />
                )}
                {failed > 0 && (
                  <rect
                    class="bar-error"
                    x={x}
                    width={barWidth}
                    y={ey(failed)}
                    height={errorsTop + errorsHeight - ey(failed)}
                  />
                )}
                {i % labelEvery === 0 && (
                  <text
                    class="chart-x"
                    x={x + barWidth / 2}
                    y={pad.top + itemsHeight + 16}
                    text-anchor="middle"
                  >
                    {bucketLabel(p, data.bucket)}
                  </text>
                )}
              </g>
            );
          })}
          <line class="chart-axis" x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} />
          <text class="chart-caption" x={pad.left} y={errorsTop - 6}>
            Errors
          </text>
          <text x={pad.left - 6} y={errorsTop + 4} text-anchor="end">
            {errorMax}
          </text>
          <text x={pad.left - 6} y={errorsTop + errorsHeight + 4} text-anchor="end">
            0
          </text>
          <line
            class="chart-axis"
            x1={pad.left}
            x2={width - pad.right}
            y1={errorsTop + errorsHeight}
            y2={errorsTop + errorsHeight}
          />
        </svg>
      </div>
      <details class="chart-table">
        <summary>Show the numbers as a table</summary>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Synced items and errors, {props.label}</caption>
            <thead>
              <tr>
                <th scope="col">{data.bucket === 'hour' ? 'Hour' : 'Day'}</th>
                <NumberHeads labels={['Runs', ...RUN_TOTALS, 'Failed runs']} />
              </tr>
            </thead>
            <tbody>
              {points
                .map((p, i) => ({ p, i }))
                .filter(({ p }) => p.runs > 0)
                .reverse()
                .map(({ p, i }) => (
                  <tr key={p.start}>
                    <th scope="row">{bucketLabel(p, data.bucket, true)}</th>
                    <td class="num">{p.runs}</td>
                    <td class="num">{items[i].exported}</td>
                    <td class="num">{items[i].imported}</td>
                    <td class="num">{p.conflicts}</td>
                    <td class="num">{p.skipped}</td>
                    <td class="num">{p.errors}</td>
                    <td class="num">{p.failedRuns}</td>
                  </tr>
                ))}
              {runs === 0 && (
                <tr>
                  <td colSpan={8} class="muted">
                    No runs in this period.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
