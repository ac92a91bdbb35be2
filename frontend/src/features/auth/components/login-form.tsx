import { Alert, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { BusyButton } from "@/components/busy-button";
import { PasswordField } from "@/components/password-field";
import { useLogin } from "@/features/auth/api/login";
import { ApiError } from "@/lib/api-client";
import type { TokenResponse } from "@/lib/api-schemas";

type LoginFormProps = {
  onSuccess: (data: TokenResponse) => void;
};

function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return `${error.detail} Wait a moment before trying again.`;
    return error.detail;
  }
  return "Something went wrong. Please try again.";
}

export function LoginForm({ onSuccess }: LoginFormProps) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const loginMutation = useLogin({ onSuccess });
  const fieldErrors =
    loginMutation.error instanceof ApiError ? loginMutation.error.fieldErrors : {};

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    loginMutation.mutate({ username: username.trim(), password });
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Sign in">
      <Stack gap="md">
        {loginMutation.isError && (
          <Alert color="red" title="Sign-in failed" role="alert">
            {errorMessage(loginMutation.error)}
          </Alert>
        )}
        <TextInput
          label="Username"
          name="username"
          autoComplete="username"
          required
          data-autofocus
          value={username}
          onChange={(event) => setUsername(event.currentTarget.value)}
          error={fieldErrors.username}
        />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={fieldErrors.password}
        />
        <BusyButton
          type="submit"
          busy={loginMutation.isPending}
          disabled={username.trim() === "" || password === ""}
        >
          Sign in
        </BusyButton>
      </Stack>
    </form>
  );
}
