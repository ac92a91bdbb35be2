import { useMutation } from "@tanstack/react-query";
import { api, setAccessToken } from "@/lib/api-client";

export type LoginInput = {
  username: string;
  password: string;
};

export type LoginResponse = {
  access_token: string;
  /** null when the refresh token was set as an HttpOnly cookie (use_cookie). */
  refresh_token: string | null;
  token_type: string;
  expires_in: number;
  refresh_expires_in: number;
  password_change_required: boolean;
};

/** Log in; the server keeps the refresh token in an HttpOnly cookie. */
export function login(input: LoginInput): Promise<LoginResponse> {
  return api.post<LoginResponse>("/auth/login", {
    username: input.username,
    password: input.password,
    use_cookie: true,
  });
}

export function useLogin(options: { onSuccess?: (data: LoginResponse) => void } = {}) {
  return useMutation({
    mutationFn: login,
    onSuccess: (data) => {
      setAccessToken(data.access_token);
      options.onSuccess?.(data);
    },
  });
}
