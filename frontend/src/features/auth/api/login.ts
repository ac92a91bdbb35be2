import { useMutation, useQueryClient } from "@tanstack/react-query";
import { meQueryKey } from "@/features/auth/api/get-me";
import { api, setAccessToken } from "@/lib/api-client";
import type { LoginRequest, TokenResponse, User } from "@/lib/api-schemas";

/** What the form asks for; the console always takes the refresh token as a cookie. */
export type LoginInput = Pick<LoginRequest, "username" | "password">;

/** Log in; the server keeps the refresh token in an HttpOnly cookie. */
export function login(input: LoginInput): Promise<TokenResponse> {
  const body: LoginRequest = {
    username: input.username,
    password: input.password,
    use_cookie: true,
  };
  return api.post<TokenResponse>("/auth/login", body);
}

export function useLogin(options: { onSuccess?: (data: TokenResponse) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: async (data) => {
      setAccessToken(data.access_token);
      queryClient.removeQueries();
      await queryClient.fetchQuery({
        queryKey: meQueryKey,
        queryFn: () => api.get<User>("/auth/me"),
      });
      options.onSuccess?.(data);
    },
  });
}
