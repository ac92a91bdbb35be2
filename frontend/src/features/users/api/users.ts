import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type {
  PasswordReset,
  User,
  UserCreate,
  UserListQuery,
  UserPage,
  UserUpdate,
} from "@/lib/api-schemas";
import { type FilterValues, readFilters, readPage } from "@/lib/url-filters";

export const USER_FILTER_KEYS = ["q", "role", "is_active", "sort"] as const;
export type UserFilterKey = (typeof USER_FILTER_KEYS)[number];
export const USER_DEFAULT_SORT = "username";
export const USERS_PER_PAGE = 20;

/** The API query for the users list from the page's URL search params. */
export function userListQuery(params: URLSearchParams): UserListQuery {
  const filters: FilterValues<UserFilterKey> = readFilters(params, USER_FILTER_KEYS);
  return {
    q: filters.q,
    role: filters.role,
    is_active:
      filters.is_active === "true" ? true : filters.is_active === "false" ? false : undefined,
    sort: filters.sort ?? USER_DEFAULT_SORT,
    page: readPage(params),
    per_page: USERS_PER_PAGE,
  };
}

export const usersQueryKey = ["users"] as const;

export function useUsers(query: UserListQuery) {
  return useQuery({
    queryKey: [...usersQueryKey, "list", query],
    queryFn: ({ signal }) => api.get<UserPage>("/users", { query, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: number) {
  return useQuery({
    queryKey: [...usersQueryKey, "one", id],
    queryFn: ({ signal }) => api.get<User>(`/users/${id}`, { signal }),
  });
}

function useInvalidatingMutation<TInput, TOutput>(fn: (input: TInput) => Promise<TOutput>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: usersQueryKey });
      // Role user counts change with users.
      await queryClient.invalidateQueries({ queryKey: ["roles"] });
    },
  });
}

export function useCreateUser() {
  return useInvalidatingMutation((input: UserCreate) => api.post<User>("/users", input));
}

export function useUpdateUser() {
  return useInvalidatingMutation(({ id, ...changes }: UserUpdate & { id: number }) =>
    api.patch<User>(`/users/${id}`, changes),
  );
}

export function useDeleteUser() {
  return useInvalidatingMutation((id: number) => api.delete<void>(`/users/${id}`));
}

export function useResetPassword() {
  return useInvalidatingMutation(({ id, ...body }: PasswordReset & { id: number }) =>
    api.put<void>(`/users/${id}/password`, body),
  );
}

/** Reset a user's two-factor login (a lost phone): it is off, and their logins end. */
export function useResetMfa() {
  return useInvalidatingMutation((id: number) => api.delete<void>(`/users/${id}/mfa`));
}
