import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { Role, RoleCreate, RolePage, RoleUpdate } from "@/lib/api-schemas";

export const rolesQueryKey = ["roles"] as const;

/** Every role (the API pages lists; 100 per page is plenty for roles). */
export function useRoles() {
  return useQuery({
    queryKey: rolesQueryKey,
    queryFn: ({ signal }) => api.get<RolePage>("/roles", { query: { per_page: 100 }, signal }),
  });
}

function useRolesMutation<TInput, TOutput>(fn: (input: TInput) => Promise<TOutput>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rolesQueryKey }),
  });
}

export function useCreateRole() {
  return useRolesMutation((input: RoleCreate) => api.post<Role>("/roles", input));
}

export function useUpdateRole() {
  return useRolesMutation(({ name, description }: { name: string; description: string }) =>
    api.patch<Role>(`/roles/${encodeURIComponent(name)}`, { description } satisfies RoleUpdate),
  );
}

export function useDeleteRole() {
  return useRolesMutation((name: string) => api.delete<void>(`/roles/${encodeURIComponent(name)}`));
}
