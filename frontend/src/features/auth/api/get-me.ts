import { queryOptions, useQuery } from "@tanstack/react-query";
import { ApiError, api, getAccessToken, setAccessToken } from "@/lib/api-client";

export type User = {
  id: number | string;
  username: string;
  roles: string[];
  is_active: boolean;
  password_change_required: boolean;
  created_at: string;
  last_login_at: string | null;
};

export async function getMe({ signal }: { signal?: AbortSignal } = {}): Promise<User> {
  try {
    return await api.get<User>("/auth/me", { signal });
  } catch (error) {
    // The token expired or its login was revoked: forget it.
    if (error instanceof ApiError && error.status === 401) setAccessToken(null);
    throw error;
  }
}

export const meQueryKey = ["auth", "me"] as const;

export function getMeQueryOptions() {
  return queryOptions({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => getMe({ signal }),
    enabled: getAccessToken() !== null,
  });
}

export function useMe() {
  return useQuery(getMeQueryOptions());
}
