import { Button, Center, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { usePageTitle } from "@/components/page-header";

export function NotFoundRoute() {
  usePageTitle("Page not found");
  return (
    <Center mih="100vh">
      <Stack align="center" gap="sm">
        <Title order={2}>Page not found</Title>
        <Text c="dimmed">There is nothing at this address.</Text>
        <Button component={Link} to="/" variant="default">
          Go home
        </Button>
      </Stack>
    </Center>
  );
}
