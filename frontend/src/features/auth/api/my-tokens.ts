import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import type { Token, TokenPage } from "@/lib/api-schemas";

export const myTokensQueryKey = ["auth", "me", "tokens"] as const;

export function getMyTokens({ signal }: { signal?: AbortSignal } = {}): Promise<TokenPage> {
  return api.get<TokenPage>("/auth/me/tokens", { query: { per_page: 100 }, signal });
}

export function useMyTokens() {
  return useQuery({ queryKey: myTokensQueryKey, queryFn: ({ signal }) => getMyTokens({ signal }) });
}

export function revokeMyToken(id: string): Promise<void> {
  return api.delete<void>(`/auth/me/tokens/${encodeURIComponent(id)}`);
}

/** The caller's other logins that can still be used. */
export function otherActiveTokens(tokens: Token[]): Token[] {
  return tokens.filter((token) => !token.current && token.state === "active");
}

/**
 * "Sign out everywhere else": revoke each other active login one by one. Unlike
 * POST /auth/logout-all, this keeps the current login, so the admin does not have to
 * type the password again. Returns how many were revoked.
 */
export async function revokeOtherTokens(): Promise<number> {
  let revoked = 0;
  // One page holds up to 100 logins; go on until no other active login is left.
  for (let round = 0; round < 50; round++) {
    const others = otherActiveTokens((await getMyTokens()).items);
    if (others.length === 0) break;
    for (const token of others) await revokeMyToken(token.id);
    revoked += others.length;
  }
  return revoked;
}

export function useRevokeMyToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeMyToken,
    onSettled: () => queryClient.invalidateQueries({ queryKey: myTokensQueryKey }),
  });
}

export function useRevokeOtherTokens() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeOtherTokens,
    onSettled: () => queryClient.invalidateQueries({ queryKey: myTokensQueryKey }),
  });
}
