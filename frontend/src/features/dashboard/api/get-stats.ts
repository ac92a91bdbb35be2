import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { Stats, StatsBucket, StatsQuery } from "@/lib/api-schemas";

export type Range = "1h" | "24h" | "7d" | "30d";

export const RANGES: Record<
  Range,
  { label: string; ms: number; bucket: "minute" | "hour" | "day" }
> = {
  "1h": { label: "Last hour", ms: 3_600_000, bucket: "minute" },
  "24h": { label: "Last 24 hours", ms: 86_400_000, bucket: "hour" },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000, bucket: "hour" },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000, bucket: "day" },
};

/** The stats query for a range ending at `now` (minute precision, so the cache key is stable). */
export function statsQuery(range: Range, now: Date = new Date()): StatsQuery {
  const { ms, bucket } = RANGES[range];
  const until = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
  return {
    since: new Date(until.getTime() - ms).toISOString(),
    until: until.toISOString(),
    bucket,
  };
}

export function useStats(query: StatsQuery) {
  return useQuery({
    queryKey: ["access-log", "stats", query],
    queryFn: ({ signal }) => api.get<Stats>("/access-log/stats", { query, signal }),
    placeholderData: keepPreviousData,
  });
}

/** A bucket's start as a short label for the x axis. */
export function bucketLabel(iso: string, bucket: string): string {
  const date = new Date(iso);
  if (bucket === "day")
    return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  const time = date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return bucket === "hour" && date.getHours() === 0
    ? date.toLocaleDateString(undefined, { month: "short", day: "numeric" })
    : time;
}

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * The server lists only buckets that had requests; fill the gaps with zeros so the x axis
 * is time (UTC-aligned starts, like the server's) from `since` to `until`.
 */
export function fillBuckets(
  series: StatsBucket[],
  since: string,
  until: string,
  bucket: keyof typeof BUCKET_MS,
): StatsBucket[] {
  const step = BUCKET_MS[bucket];
  const start = Math.floor(new Date(since).getTime() / step) * step;
  const end = new Date(until).getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end) || (end - start) / step > 2000) {
    return series;
  }
  const byStart = new Map(series.map((b) => [new Date(b.start).getTime(), b]));
  const filled: StatsBucket[] = [];
  for (let t = start; t < end; t += step) {
    filled.push(byStart.get(t) ?? { start: new Date(t).toISOString(), counts: {} });
    byStart.delete(t);
  }
  // Anything the server bucketed differently is kept rather than dropped.
  return byStart.size === 0
    ? filled
    : [...filled, ...byStart.values()].sort((a, b) => a.start.localeCompare(b.start));
}
