import { Badge, Button, Code, Group, Table, Text } from "@mantine/core";
import { TableState } from "@/components/table-state";
import type { ApiKey, ApiKeyPage } from "@/lib/api-schemas";
import { formatDateTime, formatRelative } from "@/lib/format";

type ApiKeysTableProps = {
  label: string;
  page: ApiKeyPage | undefined;
  isPending: boolean;
  isFetching: boolean;
  error: unknown;
  emptyText: string;
  showOwner?: boolean;
  onRevoke: (key: ApiKey) => void;
};

function When({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <Text size="sm">never</Text>;
  return (
    <>
      <Text size="sm">{formatRelative(iso, now)}</Text>
      <Text size="xs" c="dimmed">
        {formatDateTime(iso)}
      </Text>
    </>
  );
}

/** Keys with their prefix, roles and dates (never the key itself), and a Revoke button each. */
export function ApiKeysTable({
  label,
  page,
  isPending,
  isFetching,
  error,
  emptyText,
  showOwner = false,
  onRevoke,
}: ApiKeysTableProps) {
  const items = page?.items ?? [];
  const now = Date.now();
  const columns = showOwner ? 8 : 7;
  if (!isPending && !error && items.length === 0) {
    // Not an empty table: a scroll container with nothing focusable in it is out of a keyboard's reach.
    return (
      <Text c="dimmed" size="sm" data-testid="api-keys-empty">
        {emptyText}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover aria-label={label} aria-busy={isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            {showOwner && <Table.Th>Owner</Table.Th>}
            <Table.Th>Prefix</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <TableState
            colSpan={columns}
            isPending={isPending}
            error={error}
            isEmpty={items.length === 0}
            emptyText={emptyText}
          />
          {items.map((key) => {
            const expired = new Date(key.expires_at).getTime() <= now;
            return (
              <Table.Tr key={key.id} data-testid="api-key-row">
                <Table.Td>{key.name}</Table.Td>
                {showOwner && <Table.Td>{key.username}</Table.Td>}
                <Table.Td>
                  <Code>{key.prefix}</Code>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {key.roles.map((role) => (
                      <Badge key={role} variant="light" size="sm">
                        {role}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <When iso={key.created_at} now={now} />
                </Table.Td>
                <Table.Td>
                  {expired && (
                    <Badge color="gray" size="sm">
                      expired
                    </Badge>
                  )}
                  <When iso={key.expires_at} now={now} />
                </Table.Td>
                <Table.Td>
                  <When iso={key.last_used_at} now={now} />
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={
                      showOwner
                        ? `Revoke key ${key.name} of ${key.username}`
                        : `Revoke key ${key.name}`
                    }
                    onClick={() => onRevoke(key)}
                  >
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
