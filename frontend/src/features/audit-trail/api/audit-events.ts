import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { api, apiDownload } from "@/lib/api-client";
import type { AuditEventPage, AuditEventQuery } from "@/lib/api-schemas";
import { saveBlob } from "@/lib/download";
import { readFilters, readPage } from "@/lib/url-filters";

export const AUDIT_FILTER_KEYS = [
  "action",
  "actor",
  "target_type",
  "target_id",
  "since",
  "until",
] as const;
export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];
export const AUDIT_DEFAULT_SORT = "-timestamp";
export const AUDIT_PER_PAGE = 50;
export const TARGET_TYPES = ["user", "role", "lockout"] as const;
type TargetType = NonNullable<AuditEventQuery["target_type"]>;

function targetType(value: string | undefined): TargetType | undefined {
  return TARGET_TYPES.find((type) => type === value);
}

/** The filters only (what the CSV export takes), from the URL's search params. */
export function auditFilters(params: URLSearchParams): AuditEventQuery {
  const f = readFilters(params, AUDIT_FILTER_KEYS);
  return {
    action: f.action,
    actor: f.actor,
    target_type: targetType(f.target_type),
    target_id: f.target_id,
    since: f.since,
    until: f.until,
  };
}

/** Filters plus sort and page, for the list. */
export function auditQuery(params: URLSearchParams): AuditEventQuery {
  return {
    ...auditFilters(params),
    sort: params.get("sort") || AUDIT_DEFAULT_SORT,
    page: readPage(params),
    per_page: AUDIT_PER_PAGE,
  };
}

/** The address of one user's history in the audit trail. */
export function userHistoryPath(userId: number): string {
  return `/audit-trail?${new URLSearchParams({ target_type: "user", target_id: String(userId) })}`;
}

export function useAuditEvents(query: AuditEventQuery) {
  return useQuery({
    queryKey: ["audit-events", query],
    queryFn: ({ signal }) => api.get<AuditEventPage>("/audit-events", { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** The CSV export of the current filter, fetched with the Bearer token and saved from a Blob. */
export async function exportAuditEvents(filters: AuditEventQuery): Promise<void> {
  const { blob, filename } = await apiDownload("/audit-events/export", { query: filters });
  saveBlob(blob, filename ?? "audit-events.csv");
}

export function useExportAuditEvents() {
  return useMutation({ mutationFn: exportAuditEvents });
}
