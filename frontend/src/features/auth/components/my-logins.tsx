import { Button, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { ConfirmModal } from "@/components/confirm-modal";
import { ErrorAlert } from "@/components/error-alert";
import { TokensTable } from "@/components/tokens-table";
import {
  otherActiveTokens,
  useMyTokens,
  useRevokeMyToken,
  useRevokeOtherTokens,
} from "@/features/auth/api/my-tokens";
import type { Token } from "@/lib/api-schemas";

/** The caller's logins; revoke one, or every other one ("sign out everywhere else"). */
export function MyLogins() {
  const tokens = useMyTokens();
  const revokeOne = useRevokeMyToken();
  const revokeOthers = useRevokeOtherTokens();
  const [confirmOthers, setConfirmOthers] = useState(false);
  const [toRevoke, setToRevoke] = useState<Token | null>(null);
  const others = otherActiveTokens(tokens.data?.items ?? []);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Every browser or client you signed in with. Signing out elsewhere keeps this browser
          signed in.
        </Text>
        <Button
          color="red"
          variant="light"
          disabled={others.length === 0}
          onClick={() => {
            revokeOthers.reset();
            setConfirmOthers(true);
          }}
        >
          Sign out everywhere else
        </Button>
      </Group>
      {revokeOthers.isSuccess && (
        <Text size="sm" role="status">
          Signed out {revokeOthers.data} other login{revokeOthers.data === 1 ? "" : "s"}.
        </Text>
      )}
      <ErrorAlert error={revokeOne.error} />
      <TokensTable
        tokens={tokens.data?.items}
        isPending={tokens.isPending}
        error={tokens.error}
        actions={(token) =>
          !token.current && token.state === "active" ? (
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                revokeOne.reset();
                setToRevoke(token);
              }}
            >
              Sign out
            </Button>
          ) : null
        }
      />
      <ConfirmModal
        opened={confirmOthers}
        onClose={() => setConfirmOthers(false)}
        title="Sign out everywhere else?"
        confirmLabel="Sign out other logins"
        loading={revokeOthers.isPending}
        error={revokeOthers.error}
        onConfirm={() =>
          revokeOthers.mutate(undefined, { onSuccess: () => setConfirmOthers(false) })
        }
      >
        {others.length} other login{others.length === 1 ? "" : "s"} will be signed out at their next
        request. This browser stays signed in.
      </ConfirmModal>
      <ConfirmModal
        opened={toRevoke !== null}
        onClose={() => setToRevoke(null)}
        title="Sign out this login?"
        confirmLabel="Sign out"
        loading={revokeOne.isPending}
        error={revokeOne.error}
        onConfirm={() =>
          toRevoke && revokeOne.mutate(toRevoke.id, { onSuccess: () => setToRevoke(null) })
        }
      >
        The login from {toRevoke?.ip} ({toRevoke?.user_agent}) will be signed out.
      </ConfirmModal>
    </Stack>
  );
}
