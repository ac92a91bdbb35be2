import { Badge, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { TableState } from "@/components/table-state";
import type { Token } from "@/lib/api-schemas";
import { formatDateTime } from "@/lib/format";

const STATE_COLORS: Record<string, string> = { active: "teal", blocked: "red" };

/** The server's state of a login, with the reason when it was revoked. */
export function tokenState(token: Token): { label: string; color: string } {
  const label =
    token.state === "revoked" && token.revoked_reason
      ? `revoked (${token.revoked_reason})`
      : token.state;
  return { label, color: STATE_COLORS[token.state] ?? "gray" };
}

/** The logins of a user: when, from where, with what, and their state. */
export function TokensTable({
  tokens,
  isPending,
  error,
  actions,
}: {
  tokens: Token[] | undefined;
  isPending: boolean;
  error: unknown;
  actions: (token: Token) => ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Logins">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>IP</Table.Th>
            <Table.Th>User agent</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <TableState
            colSpan={6}
            isPending={isPending}
            error={error}
            isEmpty={(tokens?.length ?? 0) === 0}
            emptyText="No logins."
          />
          {tokens?.map((token) => {
            const state = tokenState(token);
            return (
              <Table.Tr key={token.id} data-testid="token-row">
                <Table.Td>{formatDateTime(token.created_at)}</Table.Td>
                <Table.Td>{formatDateTime(token.last_used_at)}</Table.Td>
                <Table.Td>{token.ip}</Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2} title={token.user_agent}>
                    {token.user_agent}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge miw="max-content" color={state.color} variant="light">
                    {state.label}
                  </Badge>
                  {token.current && (
                    <Badge miw="max-content" ml={4} variant="outline">
                      this browser
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{actions(token)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
