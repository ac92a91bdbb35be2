import { useMutation, useQueryClient } from "@tanstack/react-query";
import { meQueryKey } from "@/features/auth/api/get-me";
import { myTokensQueryKey } from "@/features/auth/api/my-tokens";
import { api } from "@/lib/api-client";
import type { PasswordChange } from "@/lib/api-schemas";

/** Change the caller's password; the server revokes every other login of theirs. */
export function changePassword(input: PasswordChange): Promise<void> {
  return api.put<void>("/auth/me/password", input);
}

export function useChangePassword(options: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
      await queryClient.invalidateQueries({ queryKey: myTokensQueryKey });
      options.onSuccess?.();
    },
  });
}
