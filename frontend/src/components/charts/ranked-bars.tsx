import { Progress, Stack, Text } from "@mantine/core";

/** Horizontal bars for a ranking (top users, top paths, latency percentiles). */
export function RankedBars({
  items,
  format = String,
  emptyText = "No data.",
  ariaLabel,
}: {
  items: { name: string; value: number }[];
  format?: (value: number) => string;
  emptyText?: string;
  ariaLabel: string;
}) {
  if (items.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {emptyText}
      </Text>
    );
  }
  const max = Math.max(...items.map((item) => item.value), 1);
  return (
    <Stack gap={6} aria-label={ariaLabel}>
      {items.map((item) => (
        <div key={item.name} data-testid="ranked-item">
          <Text size="sm" truncate="end" title={item.name}>
            {item.name}{" "}
            <Text span c="dimmed" size="sm">
              {format(item.value)}
            </Text>
          </Text>
          <Progress value={(item.value / max) * 100} size="sm" aria-hidden="true" />
        </div>
      ))}
    </Stack>
  );
}
