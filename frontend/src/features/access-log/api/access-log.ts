import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { api, apiDownload } from "@/lib/api-client";
import type { AccessLogPage, AccessLogQuery } from "@/lib/api-schemas";
import { saveBlob } from "@/lib/download";
import { formatCount } from "@/lib/format";
import { readFilters, readPage } from "@/lib/url-filters";

export const ACCESS_LOG_FILTER_KEYS = [
  "username",
  "method",
  "status",
  "path",
  "ip",
  "since",
  "until",
] as const;
export type AccessLogFilterKey = (typeof ACCESS_LOG_FILTER_KEYS)[number];
export const ACCESS_LOG_DEFAULT_SORT = "-timestamp";
export const ACCESS_LOG_PER_PAGE = 50;

/** The filters only (what the CSV export takes), from the URL's search params. */
export function accessLogFilters(params: URLSearchParams): AccessLogQuery {
  const f = readFilters(params, ACCESS_LOG_FILTER_KEYS);
  return {
    username: f.username,
    method: f.method?.toUpperCase(),
    status: f.status?.toLowerCase(),
    path: f.path,
    ip: f.ip,
    since: f.since,
    until: f.until,
  };
}

/** Filters plus sort and page, for the list. */
export function accessLogQuery(params: URLSearchParams): AccessLogQuery {
  return {
    ...accessLogFilters(params),
    sort: params.get("sort") || ACCESS_LOG_DEFAULT_SORT,
    page: readPage(params),
    per_page: ACCESS_LOG_PER_PAGE,
  };
}

/**
 * The rows the pager pages through. The server counts matches only up to a ceiling (10,000 by
 * default; `total_exact` false past it): then at least the rows up to this page, and a page more
 * while this one came back full.
 */
export function pagedTotal(page: AccessLogPage): number {
  if (page.total_exact) return page.total;
  const seen = (page.page - 1) * page.per_page + page.items.length;
  return Math.max(page.total, page.items.length === page.per_page ? seen + 1 : seen);
}

/** "1,234 requests match", or past the server's counting ceiling "10,000+ requests match". */
export function matchSummary(page: AccessLogPage): string {
  return `${formatCount(page.total)}${page.total_exact ? "" : "+"} requests match`;
}

export function useAccessLog(query: AccessLogQuery) {
  return useQuery({
    queryKey: ["access-log", query],
    queryFn: ({ signal }) => api.get<AccessLogPage>("/access-log", { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/**
 * The CSV export of the current filter. A plain link would not carry the Bearer token,
 * so the file is fetched with it and saved from a Blob.
 */
export async function exportAccessLog(filters: AccessLogQuery): Promise<void> {
  const { blob, filename } = await apiDownload("/access-log/export", { query: filters });
  saveBlob(blob, filename ?? "access-log.csv");
}

export function useExportAccessLog() {
  return useMutation({ mutationFn: exportAccessLog });
}
