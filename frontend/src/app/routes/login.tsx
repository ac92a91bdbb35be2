import { Alert, Center, Paper, Stack, Text, Title } from "@mantine/core";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ColorSchemeToggle } from "@/components/color-scheme-toggle";
import { usePageTitle } from "@/components/page-header";
import { useMe } from "@/features/auth/api/get-me";
import { LoginForm } from "@/features/auth/components/login-form";
import { CHANGE_PASSWORD_PATH, TWO_FACTOR_PATH } from "@/features/auth/components/require-auth";
import type { TokenResponse } from "@/lib/api-schemas";

type LoginState = { message?: string; from?: string } | null;

/** Where a new login goes first: a pending password change, then a required two-factor setup. */
function firstStop(data: TokenResponse, target: string): string {
  if (data.password_change_required) return CHANGE_PASSWORD_PATH;
  return data.mfa_enrollment_required ? TWO_FACTOR_PATH : target;
}

/** Only same-app paths, never another origin. */
function safeFrom(from: string | undefined): string {
  return from?.startsWith("/") && !from.startsWith("//") && from !== "/login" ? from : "/";
}

export function LoginRoute() {
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as LoginState;
  const me = useMe();
  const target = safeFrom(state?.from);
  usePageTitle("Sign in");

  if (me.data) return <Navigate to={target} replace />;

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={380}>
        <Stack gap="lg">
          <Stack gap={4}>
            <Title order={2}>Sign in</Title>
            <Text c="dimmed" size="sm">
              Admin console
            </Text>
          </Stack>
          {state?.message && (
            <Alert color="orange" title="You have been signed out" data-testid="session-message">
              {state.message}
            </Alert>
          )}
          <LoginForm onSuccess={(data) => navigate(firstStop(data, target), { replace: true })} />
          <Center>
            <ColorSchemeToggle />
          </Center>
        </Stack>
      </Paper>
    </Center>
  );
}
