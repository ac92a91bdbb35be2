import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, setAccessToken } from "@/lib/api-client";

/** Revoke this login on the server (the Bearer token and the refresh cookie name it). */
export function logout(): Promise<void> {
  return api.post<void>("/auth/logout");
}

export function useLogout(options: { onSettled?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Forget the session locally whether or not the server call succeeded.
    onSettled: () => {
      setAccessToken(null);
      queryClient.clear();
      options.onSettled?.();
    },
  });
}
