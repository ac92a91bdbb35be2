import { useMutation, useQueryClient } from "@tanstack/react-query";
import { meQueryKey } from "@/features/auth/api/get-me";
import { api, setAccessToken } from "@/lib/api-client";
import type { TokenResponse } from "@/lib/api-schemas";

export type LoginInput = {
  username: string;
  password: string;
};

export type LoginResponse = TokenResponse;

/** Log in; the server keeps the refresh token in an HttpOnly cookie. */
export function login(input: LoginInput): Promise<LoginResponse> {
  return api.post<LoginResponse>("/auth/login", {
    username: input.username,
    password: input.password,
    use_cookie: true,
  });
}

export function useLogin(options: { onSuccess?: (data: LoginResponse) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: async (data) => {
      setAccessToken(data.access_token);
      queryClient.removeQueries();
      await queryClient.fetchQuery({
        queryKey: meQueryKey,
        queryFn: () => api.get("/auth/me"),
      });
      options.onSuccess?.(data);
    },
  });
}
