import { Button } from "@mantine/core";
import { useState } from "react";
import { ConfirmModal } from "@/components/confirm-modal";
import { useResetMfa, useUser } from "@/features/users/api/users";

/** "Reset two-factor" for a user who has it on, after a confirmation. */
export function ResetMfaButton({ userId }: { userId: number }) {
  const user = useUser(userId);
  const reset = useResetMfa();
  const [confirming, setConfirming] = useState(false);
  if (!user.data?.mfa_enabled) return null;

  return (
    <>
      <Button
        color="red"
        variant="light"
        onClick={() => {
          reset.reset();
          setConfirming(true);
        }}
      >
        Reset two-factor
      </Button>
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => reset.mutate(userId, { onSuccess: () => setConfirming(false) })}
        title="Reset two-factor login"
        confirmLabel="Reset two-factor"
        loading={reset.isPending}
        error={reset.error}
      >
        {user.data.username} will sign in with their password alone until they set up two-factor
        login again. Every login of theirs ends now.
      </ConfirmModal>
    </>
  );
}
