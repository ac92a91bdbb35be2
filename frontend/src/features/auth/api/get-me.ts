import { queryOptions, useQuery } from "@tanstack/react-query";
import { ApiError, api, getAccessToken, refreshAccessToken } from "@/lib/api-client";
import type { Me } from "@/lib/api-schemas";

export type { Me };

/**
 * The signed-in user, or null when nobody is signed in. Without an access token in
 * memory (a reload, a new tab) it first tries the refresh cookie, so a reload keeps the
 * user signed in.
 */
export async function getSession({ signal }: { signal?: AbortSignal } = {}): Promise<Me | null> {
  if (getAccessToken() === null) {
    try {
      await refreshAccessToken();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }
  try {
    return await api.get<Me>("/auth/me", { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const meQueryKey = ["auth", "me"] as const;

export function getMeQueryOptions() {
  return queryOptions({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => getSession({ signal }),
    staleTime: 60_000,
    retry: false,
  });
}

export function useMe() {
  return useQuery(getMeQueryOptions());
}
