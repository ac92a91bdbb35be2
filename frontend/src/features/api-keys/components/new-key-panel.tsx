import { Alert, Button, Code, Group, Stack, Text, Title } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import type { ApiKeyCreated } from "@/lib/api-schemas";

/**
 * The key just created, shown this once: a Copy button, a live region that says whether the
 * copy worked, and Done to put it away. Focus moves to the panel's heading when it appears.
 */
export function NewKeyPanel({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState("");

  useEffect(() => {
    heading.current?.focus();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied("Copied the key to the clipboard.");
    } catch {
      setCopied("Could not copy: select the key and copy it yourself.");
    }
  }

  return (
    <Alert color="teal" data-testid="new-api-key">
      <Stack gap="xs">
        <Title order={4} ref={heading} tabIndex={-1}>
          Your new key “{created.name}”
        </Title>
        <Text size="sm" fw={700}>
          Copy it now: you will not see it again. Store it like a password.
        </Text>
        <Code block aria-label="The new API key" data-testid="new-api-key-value">
          {created.key}
        </Code>
        <Group gap="sm">
          <Button size="xs" onClick={copy}>
            Copy key
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            Done
          </Button>
          <Text size="sm" role="status" aria-live="polite">
            {copied}
          </Text>
        </Group>
      </Stack>
    </Alert>
  );
}
