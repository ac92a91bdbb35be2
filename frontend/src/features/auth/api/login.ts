import { useMutation, useQueryClient } from "@tanstack/react-query";
import { meQueryKey } from "@/features/auth/api/get-me";
import { api, setAccessToken } from "@/lib/api-client";
import type {
  LoginRequest,
  LoginResponse,
  Me,
  MfaChallenge,
  MfaLoginRequest,
  TokenResponse,
} from "@/lib/api-schemas";

/** What the form asks for; the console always takes the refresh token as a cookie. */
export type LoginInput = Pick<LoginRequest, "username" | "password">;
/** The code step of a two-factor login: the challenge's token and a TOTP or recovery code. */
export type MfaLoginInput = Pick<MfaLoginRequest, "mfa_token" | "code">;

export function isChallenge(response: LoginResponse): response is MfaChallenge {
  return "mfa_required" in response && response.mfa_required === true;
}

/** Log in; the server keeps the refresh token in an HttpOnly cookie. A user with two-factor on
 * gets a challenge instead of tokens: `loginMfa` with a code completes the login. */
export function login(input: LoginInput): Promise<LoginResponse> {
  const body: LoginRequest = {
    username: input.username,
    password: input.password,
    use_cookie: true,
  };
  return api.post<LoginResponse>("/auth/login", body);
}

export function loginMfa(input: MfaLoginInput): Promise<TokenResponse> {
  const body: MfaLoginRequest = { ...input, use_cookie: true };
  return api.post<TokenResponse>("/auth/login/mfa", body);
}

type LoginCallbacks = {
  onSuccess?: (data: TokenResponse) => void;
  onChallenge?: (challenge: MfaChallenge) => void;
};

function useStartSession(onSuccess?: (data: TokenResponse) => void) {
  const queryClient = useQueryClient();
  return async (data: TokenResponse) => {
    setAccessToken(data.access_token);
    queryClient.removeQueries();
    await queryClient.fetchQuery({
      queryKey: meQueryKey,
      queryFn: () => api.get<Me>("/auth/me"),
    });
    onSuccess?.(data);
  };
}

export function useLogin(options: LoginCallbacks = {}) {
  const startSession = useStartSession(options.onSuccess);
  return useMutation({
    mutationFn: login,
    onSuccess: async (data) => {
      if (isChallenge(data)) options.onChallenge?.(data);
      else await startSession(data);
    },
  });
}

export function useLoginMfa(options: { onSuccess?: (data: TokenResponse) => void } = {}) {
  const startSession = useStartSession(options.onSuccess);
  return useMutation({ mutationFn: loginMfa, onSuccess: startSession });
}
