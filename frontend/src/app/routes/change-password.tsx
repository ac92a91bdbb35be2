import { Alert, Button, Center, Paper, Stack, Text, Title } from "@mantine/core";
import { useNavigate } from "react-router";
import { usePageTitle } from "@/components/page-header";
import { useMe } from "@/features/auth/api/get-me";
import { useLogout } from "@/features/auth/api/logout";
import { ChangePasswordForm } from "@/features/auth/components/change-password-form";
import { RequireAuth } from "@/features/auth/components/require-auth";

/** The forced password change after an admin reset (also reachable directly). */
export function ChangePasswordRoute() {
  return (
    <RequireAuth>
      <ChangePasswordPage />
    </RequireAuth>
  );
}

function ChangePasswordPage() {
  const me = useMe();
  const navigate = useNavigate();
  const logout = useLogout({ onSettled: () => navigate("/login", { replace: true }) });
  const forced = me.data?.password_change_required ?? false;
  usePageTitle("Choose a new password");

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={440}>
        <Stack gap="lg">
          <Stack gap={4}>
            <Title order={2}>Choose a new password</Title>
            <Text c="dimmed" size="sm">
              Signed in as {me.data?.username}
            </Text>
          </Stack>
          {forced && (
            <Alert color="orange" title="Password change required" data-testid="forced-change">
              An administrator has set a temporary password for your account. Choose your own
              password to continue.
            </Alert>
          )}
          <ChangePasswordForm onSuccess={() => navigate("/", { replace: true })} />
          <Button variant="subtle" onClick={() => logout.mutate()}>
            Sign out instead
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
