import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { Token, TokenPage, TokenUpdate } from "@/lib/api-schemas";

const tokensKey = (userId: number) => ["users", "tokens", userId] as const;

export function useUserTokens(userId: number, page: number) {
  return useQuery({
    queryKey: [...tokensKey(userId), page],
    queryFn: ({ signal }) =>
      api.get<TokenPage>(`/users/${userId}/tokens`, { query: { page, per_page: 50 }, signal }),
  });
}

export function useSetTokenBlocked(userId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, blocked }: { id: string; blocked: boolean }) =>
      api.patch<Token>(`/tokens/${encodeURIComponent(id)}`, { blocked } satisfies TokenUpdate),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokensKey(userId) }),
  });
}

export function useRevokeAllTokens(userId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete<void>(`/users/${userId}/tokens`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokensKey(userId) }),
  });
}
