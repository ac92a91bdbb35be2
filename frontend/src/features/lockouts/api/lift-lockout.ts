import { useMutation, useQueryClient } from "@tanstack/react-query";
import { lockoutsQueryKey } from "@/features/lockouts/api/get-lockouts";
import { api } from "@/lib/api-client";

/** Lift a lockout: its username or address may try to sign in again at once. */
export function liftLockout(id: number): Promise<void> {
  return api.delete<void>(`/lockouts/${id}`);
}

export function useLiftLockout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: liftLockout,
    // A 404 means the lockout ended or was lifted meanwhile: refresh the list either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: lockoutsQueryKey }),
  });
}
