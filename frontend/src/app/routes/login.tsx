import { Center, Paper, Stack, Text, Title } from "@mantine/core";
import { useNavigate } from "react-router";
import { LoginForm } from "@/features/auth/components/login-form";

export function LoginRoute() {
  const navigate = useNavigate();
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
          <LoginForm onSuccess={() => navigate("/", { replace: true })} />
        </Stack>
      </Paper>
    </Center>
  );
}
