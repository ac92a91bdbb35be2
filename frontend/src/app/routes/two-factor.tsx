import { Alert, Button, Center, Paper, Stack, Text, Title } from "@mantine/core";
import { useNavigate } from "react-router";
import { usePageTitle } from "@/components/page-header";
import { useMe } from "@/features/auth/api/get-me";
import { useLogout } from "@/features/auth/api/logout";
import { RequireAuth } from "@/features/auth/components/require-auth";
import { TwoFactorSetup } from "@/features/auth/components/two-factor-setup";

/** The two-factor setup that a role requires (MFA_REQUIRED_ROLES) before anything else. */
export function TwoFactorRoute() {
  return (
    <RequireAuth>
      <TwoFactorPage />
    </RequireAuth>
  );
}

function TwoFactorPage() {
  const me = useMe();
  const navigate = useNavigate();
  const logout = useLogout({ onSettled: () => navigate("/login", { replace: true }) });
  usePageTitle("Set up two-factor login");

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={480}>
        <Stack gap="lg">
          <Stack gap={4}>
            <Title order={2}>Two-factor login</Title>
            <Text c="dimmed" size="sm">
              Signed in as {me.data?.username}
            </Text>
          </Stack>
          {me.data?.mfa_enrollment_required && (
            <Alert color="orange" title="Two-factor login required" data-testid="mfa-required">
              Your role requires two-factor login. Set it up to continue.
            </Alert>
          )}
          <TwoFactorSetup onDone={() => navigate("/", { replace: true })} />
          <Button variant="subtle" onClick={() => logout.mutate()}>
            Sign out
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
