import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type {
  ApiKeyCreate,
  ApiKeyCreated,
  ApiKeyPage,
  ApiKeyQuery,
  MyApiKeyQuery,
  UserPage,
} from "@/lib/api-schemas";
import { readPage } from "@/lib/url-filters";

export const API_KEYS_PER_PAGE = 20;
/** The longest expiry the server allows unless API_KEY_MAX_DAYS says otherwise. */
export const DEFAULT_MAX_DAYS = 90;

export const apiKeysQueryKey = ["api-keys"] as const;

/** The caller's keys: page `page` of the URL. */
export function myApiKeysQuery(params: URLSearchParams): MyApiKeyQuery {
  return { page: readPage(params, "page"), per_page: API_KEYS_PER_PAGE };
}

/** Every key (admins), filtered by owner: `all_page` and `user_id` of the URL. */
export function allApiKeysQuery(params: URLSearchParams): ApiKeyQuery {
  const owner = Number(params.get("user_id"));
  return {
    user_id: Number.isInteger(owner) && owner > 0 ? owner : undefined,
    page: readPage(params, "all_page"),
    per_page: API_KEYS_PER_PAGE,
  };
}

export function useMyApiKeys(query: MyApiKeyQuery) {
  return useQuery({
    queryKey: [...apiKeysQueryKey, "mine", query],
    queryFn: ({ signal }) => api.get<ApiKeyPage>("/auth/me/api-keys", { query, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useAllApiKeys(query: ApiKeyQuery, { enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: [...apiKeysQueryKey, "all", query],
    queryFn: ({ signal }) => api.get<ApiKeyPage>("/api-keys", { query, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The users an admin can filter keys by (the first 100 by username). */
export function useKeyOwners({ enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: [...apiKeysQueryKey, "owners"],
    queryFn: ({ signal }) =>
      api.get<UserPage>("/users", { query: { per_page: 100, sort: "username" }, signal }),
    enabled,
  });
}

function useKeysMutation<TInput, TOutput>(fn: (input: TInput) => Promise<TOutput>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });
}

export function useCreateApiKey() {
  return useKeysMutation((body: ApiKeyCreate) =>
    api.post<ApiKeyCreated>("/auth/me/api-keys", body),
  );
}

/** Revoke a key: one of the caller's (`mine`), or anyone's (admins). */
export function useRevokeApiKey() {
  return useKeysMutation(({ id, mine }: { id: string; mine: boolean }) =>
    api.delete<void>(
      mine ? `/auth/me/api-keys/${encodeURIComponent(id)}` : `/api-keys/${encodeURIComponent(id)}`,
    ),
  );
}
