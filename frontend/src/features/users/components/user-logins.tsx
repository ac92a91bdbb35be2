import { Badge, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { BusyButton } from "@/components/busy-button";
import { ConfirmModal } from "@/components/confirm-modal";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { TokensTable } from "@/components/tokens-table";
import {
  useRevokeAllTokens,
  useSetTokenBlocked,
  useUserTokens,
} from "@/features/users/api/user-tokens";
import { useUser } from "@/features/users/api/users";
import { formatDateTime } from "@/lib/format";

/** One user and their logins: block, unblock, revoke all; `links` go beside the actions. */
export function UserLogins({ userId, links }: { userId: number; links?: ReactNode }) {
  const user = useUser(userId);
  const tokens = useUserTokens(userId, 1);
  const setBlocked = useSetTokenBlocked(userId);
  const revokeAll = useRevokeAllTokens(userId);
  const [confirmRevoke, setConfirmRevoke] = useState(false);

  return (
    <Stack gap="md">
      <PageHeader
        title={user.data ? user.data.username : "User"}
        description="Logins of this user, newest first"
        actions={
          <>
            {links}
            <Button
              color="red"
              variant="light"
              onClick={() => {
                revokeAll.reset();
                setConfirmRevoke(true);
              }}
            >
              Revoke all logins
            </Button>
          </>
        }
      />
      <ErrorAlert error={user.error} title="Could not load the user" />
      {user.data && (
        <Paper withBorder p="sm">
          <Group gap="lg">
            <Text size="sm">
              Roles:{" "}
              {user.data.roles.map((role) => (
                <Badge miw="max-content" key={role} variant="light" size="sm" mr={4}>
                  {role}
                </Badge>
              ))}
            </Text>
            <Text size="sm">Status: {user.data.is_active ? "active" : "inactive"}</Text>
            <Text size="sm">Created: {formatDateTime(user.data.created_at)}</Text>
            <Text size="sm">Last login: {formatDateTime(user.data.last_login_at)}</Text>
          </Group>
        </Paper>
      )}
      <ErrorAlert error={setBlocked.error} title="Could not change the login" />
      <TokensTable
        tokens={tokens.data?.items}
        isPending={tokens.isPending}
        error={tokens.error}
        actions={(token) =>
          token.state === "active" || token.state === "blocked" ? (
            <BusyButton
              size="xs"
              variant={token.blocked ? "default" : "light"}
              color={token.blocked ? undefined : "red"}
              busy={setBlocked.isPending && setBlocked.variables?.id === token.id}
              onClick={() => setBlocked.mutate({ id: token.id, blocked: !token.blocked })}
            >
              {token.blocked ? "Unblock" : "Block"}
            </BusyButton>
          ) : null
        }
      />
      {tokens.data && tokens.data.total > tokens.data.items.length && (
        <Text size="sm" c="dimmed">
          Showing the newest {tokens.data.items.length} of {tokens.data.total} logins.
        </Text>
      )}
      <ConfirmModal
        opened={confirmRevoke}
        onClose={() => setConfirmRevoke(false)}
        title="Revoke every login of this user?"
        confirmLabel="Revoke all"
        loading={revokeAll.isPending}
        error={revokeAll.error}
        onConfirm={() => revokeAll.mutate(undefined, { onSuccess: () => setConfirmRevoke(false) })}
      >
        {user.data?.username ?? "The user"} will be signed out everywhere at the next request and
        has to sign in again. Revoked logins cannot be restored (blocked ones can).
      </ConfirmModal>
    </Stack>
  );
}
