import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { LockoutPage, LockoutQuery } from "@/lib/api-schemas";
import { readFilters, readPage } from "@/lib/url-filters";

export const LOCKOUT_FILTER_KEYS = ["username", "ip"] as const;
export const LOCKOUT_DEFAULT_SORT = "-locked_until";
export const LOCKOUTS_PER_PAGE = 20;

/** The API query for the lockouts list from the page's URL search params. */
export function lockoutsQuery(params: URLSearchParams): LockoutQuery {
  const filters = readFilters(params, LOCKOUT_FILTER_KEYS);
  return {
    username: filters.username,
    ip: filters.ip,
    sort: params.get("sort") || LOCKOUT_DEFAULT_SORT,
    page: readPage(params),
    per_page: LOCKOUTS_PER_PAGE,
  };
}

export function getLockouts(
  query: LockoutQuery,
  { signal }: { signal?: AbortSignal } = {},
): Promise<LockoutPage> {
  return api.get<LockoutPage>("/lockouts", { query, signal });
}

export const lockoutsQueryKey = ["lockouts"] as const;

export function getLockoutsQueryOptions(query: LockoutQuery) {
  return queryOptions({
    queryKey: [...lockoutsQueryKey, query],
    queryFn: ({ signal }) => getLockouts(query, { signal }),
    placeholderData: keepPreviousData,
    // Lockouts end by themselves: keep the list current while it is open.
    staleTime: 0,
    refetchInterval: 30_000,
  });
}

export function useLockouts(query: LockoutQuery) {
  return useQuery(getLockoutsQueryOptions(query));
}
