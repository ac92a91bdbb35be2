import { Button, Container, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useNavigate } from "react-router";
import { ColorSchemeToggle } from "@/components/color-scheme-toggle";
import { useMe } from "@/features/auth/api/get-me";
import { useLogout } from "@/features/auth/api/logout";

export function HomeRoute() {
  const navigate = useNavigate();
  const me = useMe();
  const logoutMutation = useLogout({
    onSettled: () => navigate("/login", { replace: true }),
  });

  return (
    <Container size="sm" py="xl">
      <Paper withBorder p="xl" radius="md">
        <Stack gap="md">
          <Group justify="space-between">
            <Title order={2}>Signed in</Title>
            <ColorSchemeToggle />
          </Group>
          <Text>
            Signed in as{" "}
            <Text span fw={700} data-testid="username">
              {me.data?.username}
            </Text>
          </Text>
          <Group>
            <Button
              variant="default"
              onClick={() => logoutMutation.mutate()}
              loading={logoutMutation.isPending}
            >
              Sign out
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Container>
  );
}
