import { Alert, Button, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { BusyButton } from "@/components/busy-button";
import { PasswordField } from "@/components/password-field";
import { useLogin, useLoginMfa } from "@/features/auth/api/login";
import { ApiError } from "@/lib/api-client";
import type { MfaChallenge, TokenResponse } from "@/lib/api-schemas";

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

/** The mfa_token cannot be used again (expired, used, or the login changed): start over. */
const START_OVER = new Set(["mfa_token_expired", "mfa_token_used", "mfa_token_invalid"]);

export function LoginForm({ onSuccess }: LoginFormProps) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const [startedOver, setStartedOver] = useState<string | null>(null);
  const loginMutation = useLogin({
    onSuccess,
    onChallenge: (received) => {
      setStartedOver(null);
      setChallenge(received);
    },
  });
  const fieldErrors =
    loginMutation.error instanceof ApiError ? loginMutation.error.fieldErrors : {};

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    loginMutation.mutate({ username: username.trim(), password });
  }

  if (challenge) {
    return (
      <CodeStep
        challenge={challenge}
        onSuccess={onSuccess}
        onStartOver={(reason) => {
          setChallenge(null);
          setPassword("");
          loginMutation.reset();
          setStartedOver(reason);
        }}
      />
    );
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Sign in">
      <Stack gap="md">
        {startedOver && (
          <Alert color="orange" title="Sign in again" role="alert">
            {startedOver}
          </Alert>
        )}
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

type CodeStepProps = {
  challenge: MfaChallenge;
  onSuccess: (data: TokenResponse) => void;
  onStartOver: (reason: string) => void;
};

/** The second step: a code from the authenticator app, or a recovery code. */
function CodeStep({ challenge, onSuccess, onStartOver }: CodeStepProps) {
  const [code, setCode] = useState("");
  const codeField = useRef<HTMLInputElement>(null);
  const mutation = useLoginMfa({ onSuccess });

  useEffect(() => {
    codeField.current?.focus();
  }, []);

  const error = mutation.error;
  useEffect(() => {
    if (error instanceof ApiError && error.code && START_OVER.has(error.code)) {
      onStartOver(error.detail);
    } else if (error) {
      codeField.current?.focus();
      codeField.current?.select();
    }
  }, [error, onStartOver]);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate({ mfa_token: challenge.mfa_token, code: code.trim() });
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Two-factor code">
      <Stack gap="md">
        {mutation.isError && (
          <Alert color="red" title="Sign-in failed" role="alert">
            {errorMessage(mutation.error)}
          </Alert>
        )}
        <TextInput
          ref={codeField}
          label="Authentication code"
          description="The 6-digit code from your authenticator app, or one of your recovery codes."
          name="code"
          autoComplete="one-time-code"
          inputMode="text"
          spellCheck={false}
          required
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
        />
        <BusyButton type="submit" busy={mutation.isPending} disabled={code.trim() === ""}>
          Verify
        </BusyButton>
        <Button variant="subtle" onClick={() => onStartOver("Enter your username and password.")}>
          Back
        </Button>
      </Stack>
    </form>
  );
}
