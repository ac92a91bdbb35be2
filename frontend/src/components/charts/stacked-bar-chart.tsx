import { Group, Table, Text } from "@mantine/core";
import classes from "@/components/charts/charts.module.css";

export type Series = { key: string; label: string; className: string };
export type StackedPoint = { label: string; values: Record<string, number> };

export const STATUS_SERIES: Series[] = [
  { key: "2xx", label: "2xx", className: classes.s2xx ?? "" },
  { key: "3xx", label: "3xx", className: classes.s3xx ?? "" },
  { key: "4xx", label: "4xx", className: classes.s4xx ?? "" },
  { key: "5xx", label: "5xx", className: classes.s5xx ?? "" },
  { key: "1xx", label: "1xx", className: classes.s1xx ?? "" },
];

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { top: 10, right: 10, bottom: 28, left: 44 };

/**
 * Stacked columns in plain SVG (no runtime <style> elements, so it works under the strict
 * CSP); every text node is React text, never markup. Each column has a <title> tooltip, and
 * the numbers are also a table behind "Show the numbers" (for screen readers, keyboards and
 * anyone who cannot tell the colours apart).
 */
export function StackedBarChart({
  data,
  series,
  ariaLabel,
}: {
  data: StackedPoint[];
  series: Series[];
  ariaLabel: string;
}) {
  const totals = data.map((point) =>
    series.reduce((sum, s) => sum + (point.values[s.key] ?? 0), 0),
  );
  const max = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = data.length > 0 ? plotW / data.length : plotW;
  const barW = Math.max(1, Math.min(40, slot * 0.8));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const ticks = [0, max / 2, max];
  const labelEvery = Math.max(1, Math.ceil(data.length / 8));

  return (
    <div>
      <svg
        className={classes.svg}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={ariaLabel}
        data-testid="requests-chart"
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              className={classes.grid}
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(tick)}
              y2={y(tick)}
            />
            <text className={classes.label} x={PAD.left - 6} y={y(tick) + 4} textAnchor="end">
              {Number.isInteger(tick) ? tick : tick.toFixed(1)}
            </text>
          </g>
        ))}
        <line
          className={classes.axis}
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={PAD.top + plotH}
          y2={PAD.top + plotH}
        />
        {data.map((point, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          let acc = 0;
          const tooltip = `${point.label}: ${series
            .map((s) => `${s.label} ${point.values[s.key] ?? 0}`)
            .join(", ")}`;
          return (
            <g key={point.label} data-testid="chart-column">
              <title>{tooltip}</title>
              {series.map((s) => {
                const value = point.values[s.key] ?? 0;
                if (value <= 0) return null;
                const top = y(acc + value);
                const height = y(acc) - top;
                acc += value;
                return (
                  <rect
                    key={s.key}
                    className={`${classes.segment} ${s.className}`}
                    x={x}
                    y={top}
                    width={barW}
                    height={height}
                  />
                );
              })}
              {i % labelEvery === 0 && (
                <text
                  className={classes.label}
                  x={x + barW / 2}
                  y={HEIGHT - PAD.bottom + 16}
                  textAnchor="middle"
                >
                  {point.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <Group gap="md" justify="center" mt="xs">
        {series.map((s) => (
          <Text key={s.key} size="xs" c="dimmed">
            <span className={`${classes.swatch} ${s.className}`} aria-hidden="true" />
            {s.label}
          </Text>
        ))}
      </Group>
      <details className={classes.numbers}>
        <summary>Show the numbers</summary>
        <Table.ScrollContainer minWidth={320}>
          <Table striped verticalSpacing={2} fz="sm" aria-label={ariaLabel}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                {series.map((s) => (
                  <Table.Th key={s.key}>{s.label}</Table.Th>
                ))}
                <Table.Th>Total</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((point, i) => (
                <Table.Tr key={point.label}>
                  <Table.Td>{point.label}</Table.Td>
                  {series.map((s) => (
                    <Table.Td key={s.key}>{point.values[s.key] ?? 0}</Table.Td>
                  ))}
                  <Table.Td>{totals[i]}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </details>
    </div>
  );
}
