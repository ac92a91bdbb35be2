import { useMutation, useQueryClient } from "@tanstack/react-query";
import { meQueryKey } from "@/features/auth/api/get-me";
import { api, apiRequest } from "@/lib/api-client";
import type { MfaDisable, RecoveryCodes, TotpEnrollment } from "@/lib/api-schemas";

/** A new authenticator secret and its QR code; not in force until confirmed with a code. */
export function startTotp(): Promise<TotpEnrollment> {
  return api.post<TotpEnrollment>("/auth/me/mfa/totp");
}

/** Turn two-factor on with a code from the app; the answer holds the recovery codes, once. */
export function confirmTotp(code: string): Promise<RecoveryCodes> {
  return api.post<RecoveryCodes>("/auth/me/mfa/totp/confirm", { code });
}

export function disableMfa(input: MfaDisable): Promise<void> {
  return apiRequest<void>("/auth/me/mfa", { method: "DELETE", body: input });
}

export function useStartTotp() {
  return useMutation({ mutationFn: startTotp });
}

function useRefreshingMe<TInput, TOutput>(fn: (input: TInput) => Promise<TOutput>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}

export function useConfirmTotp() {
  return useRefreshingMe(confirmTotp);
}

export function useDisableMfa() {
  return useRefreshingMe(disableMfa);
}
