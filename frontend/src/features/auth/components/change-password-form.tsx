import { Alert, Stack } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { BusyButton } from "@/components/busy-button";
import { ErrorAlert, fieldErrorsOf } from "@/components/error-alert";
import { PasswordField } from "@/components/password-field";
import { useChangePassword } from "@/features/auth/api/change-password";
import { ApiError } from "@/lib/api-client";

/** Current password, new password twice; server policy errors show next to the fields. */
export function ChangePasswordForm({ onSuccess }: { onSuccess?: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const mutation = useChangePassword({
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setConfirm("");
      onSuccess?.();
    },
  });
  const fieldErrors = fieldErrorsOf(mutation.error);
  const currentInvalid =
    mutation.error instanceof ApiError && mutation.error.code === "current_password_invalid"
      ? mutation.error.detail
      : undefined;
  const mismatch = confirm !== "" && confirm !== next ? "The passwords do not match" : undefined;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (mismatch) return;
    mutation.mutate({ current_password: current, new_password: next });
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Change password">
      <Stack gap="md">
        {mutation.isSuccess && (
          <Alert color="teal" role="status" title="Password changed">
            Your other logins have been signed out.
          </Alert>
        )}
        {mutation.isError && !currentInvalid && (
          <ErrorAlert
            error={mutation.error}
            title="Could not change the password"
            shownFields={["current_password", "new_password"]}
          />
        )}
        <PasswordField
          label="Current password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.currentTarget.value)}
          error={currentInvalid ?? fieldErrors.current_password}
        />
        <PasswordField
          label="New password"
          description="At least 12 characters, not a common password, not your username."
          autoComplete="new-password"
          required
          value={next}
          onChange={(event) => setNext(event.currentTarget.value)}
          error={fieldErrors.new_password}
        />
        <PasswordField
          label="Repeat the new password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(event) => setConfirm(event.currentTarget.value)}
          error={mismatch}
        />
        <BusyButton
          type="submit"
          busy={mutation.isPending}
          disabled={current === "" || next === "" || confirm === "" || mismatch !== undefined}
        >
          Change password
        </BusyButton>
      </Stack>
    </form>
  );
}
