import { Group, Paper, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useState } from "react";
import { CardGrid } from "@/components/card-grid";
import { RankedBars } from "@/components/charts/ranked-bars";
import { STATUS_SERIES, StackedBarChart } from "@/components/charts/stacked-bar-chart";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import {
  bucketLabel,
  fillBuckets,
  RANGES,
  type Range,
  statsQuery,
  useStats,
} from "@/features/dashboard/api/get-stats";
import { formatCount, formatMs } from "@/lib/format";

function Card({
  title,
  children,
  testId,
}: {
  title: string;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId}>
      <Title order={4} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export function DashboardView() {
  const [range, setRange] = useState<Range>("24h");
  const [query, setQuery] = useState(() => statsQuery("24h"));
  const stats = useStats(query);
  const data = stats.data;
  // Four ranges side by side do not fit a phone (or 400% zoom): one under the other there.
  const narrow = useMediaQuery("(max-width: 30em)");

  const errors = data
    ? data.series.reduce((sum, b) => sum + (b.counts["4xx"] ?? 0) + (b.counts["5xx"] ?? 0), 0)
    : 0;

  return (
    <Stack gap="md">
      <PageHeader
        title="Dashboard"
        description="Requests to the API, from the access log"
        actions={
          <SegmentedControl
            aria-label="Time range"
            orientation={narrow ? "vertical" : "horizontal"}
            value={range}
            onChange={(value) => {
              setRange(value as Range);
              setQuery(statsQuery(value as Range));
            }}
            data={Object.entries(RANGES).map(([value, r]) => ({ value, label: r.label }))}
          />
        }
      />
      <ErrorAlert error={stats.error} title="Could not load the statistics" />
      <CardGrid cols={4}>
        <Card title="Requests">
          <Text fz={28} fw={700} data-testid="stat-total">
            {data ? formatCount(data.total) : "…"}
          </Text>
        </Card>
        <Card title="Errors (4xx/5xx)">
          <Text fz={28} fw={700}>
            {data ? formatCount(errors) : "…"}
          </Text>
        </Card>
        <Card title="Median latency">
          <Text fz={28} fw={700}>
            {data ? formatMs(data.latency_ms.p50) : "…"}
          </Text>
        </Card>
        <Card title="p99 latency">
          <Text fz={28} fw={700}>
            {data ? formatMs(data.latency_ms.p99) : "…"}
          </Text>
        </Card>
      </CardGrid>
      <Card title="Requests over time, by status class" testId="chart-requests">
        {data && data.series.length === 0 ? (
          <Text c="dimmed" size="sm">
            No requests in this period.
          </Text>
        ) : (
          <StackedBarChart
            ariaLabel={`Requests per ${data?.bucket ?? "bucket"} by status class`}
            series={STATUS_SERIES}
            data={(data ? fillBuckets(data.series, data.since, data.until, data.bucket) : []).map(
              (b) => ({
                label: bucketLabel(b.start, data?.bucket ?? "hour"),
                values: b.counts,
              }),
            )}
          />
        )}
      </Card>
      <CardGrid cols={3}>
        <Card title="Latency percentiles" testId="chart-latency">
          <RankedBars
            ariaLabel="Latency percentiles"
            format={formatMs}
            items={
              data
                ? (["p50", "p90", "p99", "max"] as const).flatMap((key) => {
                    const value = data.latency_ms[key];
                    return value === null ? [] : [{ name: key, value }];
                  })
                : []
            }
          />
        </Card>
        <Card title="Top users" testId="chart-users">
          <RankedBars
            ariaLabel="Top users"
            emptyText="No signed-in requests."
            items={(data?.top_users ?? []).map((r) => ({ name: r.name, value: r.count }))}
          />
        </Card>
        <Card title="Top paths" testId="chart-paths">
          <RankedBars
            ariaLabel="Top paths"
            items={(data?.top_paths ?? []).map((r) => ({ name: r.name, value: r.count }))}
          />
        </Card>
      </CardGrid>
      <Group justify="flex-end">
        <Text size="xs" c="dimmed">
          {data
            ? `${new Date(data.since).toLocaleString()} – ${new Date(data.until).toLocaleString()}`
            : ""}
        </Text>
      </Group>
    </Stack>
  );
}
