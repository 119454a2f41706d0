// Synced items and errors over time, for contacts, meetings or tasks, drawn as inline SVG at the width it is shown at, with a
// title, a description that states the totals, and the same numbers as a table.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { get } from '../../api.ts';
import { Loading, useLoad } from '../../components/load.tsx';
import { locale, type MessageKey, t } from '../../i18n.ts';
import type { SyncActivity } from '../../types.ts';
import { runTotals, total } from './format.ts';
import { NumberHeads } from './number-heads.tsx';

export type Range = 'day' | 'week' | 'month';

export const RANGES: Record<Range, { label: MessageKey; bucket: 'hour' | 'day'; count: number }> = {
  day: { label: 'chart.range.day', bucket: 'hour', count: 24 },
  week: { label: 'chart.range.week', bucket: 'day', count: 14 },
  month: { label: 'chart.range.month', bucket: 'day', count: 30 },
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
    ? new Date(p.start).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' })
    : new Date(p.start).toLocaleDateString(
        locale(),
        long ? { dateStyle: 'medium' } : { day: 'numeric', month: 'short' },
      );

/**
 * The top of an axis: the smallest whole number of the series 1, 2, 3, 4, 5, 6, 8, 10, 12, 15,
 * 20 … that holds `n`, so the tallest bar fills at least two thirds of the height.
 */
export function axisMax(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const f of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    const top = f * power;
    if (Number.isInteger(top) && top >= n) return top;
  }
  return 10 * power;
}

/** Whole-number gridlines: 0, the middle when it is whole, and the top. */
export function axisTicks(max: number): number[] {
  return max % 2 === 0 ? [0, max / 2, max] : [0, max];
}

/** Bars of a value this small but not zero are drawn this tall, so a small direction stays visible. */
export const MIN_BAR = 3;

/** Heights of a stacked bar's parts: proportional, but none that is not zero thinner than MIN_BAR. */
export function stackHeights(values: number[], max: number, height: number): number[] {
  return values.map((v) => (v <= 0 ? 0 : Math.max(MIN_BAR, (v / max) * height)));
}

/** The entities a chart can show, labelled as the dashboard's counts per entity label them. */
export const CHART_ENTITIES = {
  contacts: 'dashboard.entity.contacts',
  meetings: 'dashboard.entity.meetings',
  tasks: 'dashboard.entity.tasks',
} as const satisfies Record<SyncActivity['entity'], MessageKey>;
type ChartEntity = keyof typeof CHART_ENTITIES;

export function ActivityChart(props: { version: number }) {
  const [range, setRange] = useState<Range>('week');
  const [entity, setEntity] = useState<ChartEntity>('contacts');
  const [activity, reload] = useLoad(
    (signal) => {
      const { from, to } = rangeOf(range);
      return get<SyncActivity>(
        '/api/v1/sync/activity',
        { from, to, bucket: RANGES[range].bucket, entity },
        signal,
      );
    },
    [range, entity, props.version],
  );
  const selectId = useId();
  const entityId = useId();
  return (
    <section class="card dashboard-chart" aria-labelledby="chart-heading">
      <div class="section-head">
        <h2 id="chart-heading">{t('chart.title')}</h2>
        <div class="section-tools">
          <div class="field inline-field">
            <label for={entityId}>{t('chart.entity')}</label>
            <select
              id={entityId}
              value={entity}
              onChange={(e) => setEntity(e.currentTarget.value as ChartEntity)}
            >
              {(Object.keys(CHART_ENTITIES) as ChartEntity[]).map((k) => (
                <option key={k} value={k}>
                  {t(CHART_ENTITIES[k])}
                </option>
              ))}
            </select>
          </div>
          <div class="field inline-field">
            <label for={selectId}>{t('chart.period')}</label>
            <select id={selectId} value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
              {(Object.keys(RANGES) as Range[]).map((r) => (
                <option key={r} value={r}>
                  {t(RANGES[r].label)}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      <Loading value={activity} what={t('chart.what')} retry={() => void reload()}>
        {(data) => <Chart data={data} range={range} />}
      </Loading>
    </section>
  );
}

function Chart(props: { data: SyncActivity; range: Range }) {
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
  const summary = t('chart.summary', {
    range: props.range,
    runs,
    mailboxes: data.mailboxes,
    exported: totals.exported,
    imported: totals.imported,
    conflicts,
    errors,
  });
  const title = t('chart.svgTitle', { range: props.range });

  const pad = { left: 36, right: 8, top: 10 };
  const itemsHeight = 150;
  const errorsTop = pad.top + itemsHeight + 46;
  const errorsHeight = 36;
  const height = errorsTop + errorsHeight + 22;
  const plotWidth = width - pad.left - pad.right;
  const step = plotWidth / Math.max(1, points.length);
  const barWidth = Math.max(2, Math.min(28, step * 0.7));
  const itemMax = axisMax(Math.max(...items.map((i) => i.imported + i.exported), 0));
  const errorMax = axisMax(Math.max(...points.map((p) => p.errors), 0));
  const y = (v: number) => pad.top + itemsHeight - (v / itemMax) * itemsHeight;
  const base = y(0);
  const errorBase = errorsTop + errorsHeight;
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(plotWidth / 56))));
  const ticks = axisTicks(itemMax);
  const number = new Intl.NumberFormat(locale());
  const heads = [t('chart.runs'), ...runTotals(), t('chart.failedRuns')];

  if (runs === 0) {
    // An empty chart would only show an axis; say so in words instead.
    return <p class="chart-summary chart-empty">{summary}</p>;
  }
  return (
    <>
      <p class="chart-summary">{summary}</p>
      <ul class="chart-legend" aria-hidden="true">
        <li>
          <span class="swatch swatch-export" /> {t('run.direction.export')}
        </li>
        <li>
          <span class="swatch swatch-import" /> {t('run.direction.import')}
        </li>
        <li>
          <span class="swatch swatch-error" /> {t('run.head.errors')}
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
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          {ticks.map((tick) => (
            <g key={tick} class="chart-grid">
              <line x1={pad.left} x2={width - pad.right} y1={y(tick)} y2={y(tick)} />
              <text x={pad.left - 6} y={y(tick) + 4} text-anchor="end">
                {number.format(tick)}
              </text>
            </g>
          ))}
          {points.map((p, i) => {
            const x = pad.left + i * step + (step - barWidth) / 2;
            const { imported, exported } = items[i];
            const failed = p.errors;
            const tip = t('chart.barTip', {
              when: bucketLabel(p, data.bucket, true),
              exported,
              imported,
              errors: failed,
            });
            const [exportHeight, importHeight] = stackHeights([exported, imported], itemMax, itemsHeight);
            const [errorHeight] = stackHeights([failed], errorMax, errorsHeight);
            return (
              <g key={p.start}>
                <title>{tip}</title>
                {exported > 0 && (
                  <rect
                    class="bar-export"
                    x={x}
                    width={barWidth}
                    y={base - exportHeight}
                    height={exportHeight}
                  />
                )}
                {imported > 0 && (
                  <rect
                    class="bar-import"
                    x={x}
                    width={barWidth}
                    y={base - exportHeight - importHeight}
                    height={importHeight}
                  />
                )}
                {failed > 0 && (
                  <rect
                    class="bar-error"
                    x={x}
                    width={barWidth}
                    y={errorBase - errorHeight}
                    height={errorHeight}
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
            {t('run.head.errors')}
          </text>
          <text x={pad.left - 6} y={errorsTop + 4} text-anchor="end">
            {number.format(errorMax)}
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
        <summary>{t('chart.asTable')}</summary>
        <div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{data.bucket === 'hour' ? t('chart.hour') : t('chart.day')}</th>
                <NumberHeads labels={heads} />
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
                    {[
                      p.runs,
                      items[i].exported,
                      items[i].imported,
                      p.conflicts,
                      p.skipped,
                      p.errors,
                      p.failedRuns,
                    ].map((value, column) => (
                      <td key={heads[column]} class="num" data-label={heads[column]}>
                        {number.format(value)}
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
