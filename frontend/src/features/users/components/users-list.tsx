import { Badge, Button, Group, Menu, Paper, Select, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ConfirmModal } from "@/components/confirm-modal";
import { ListPagination } from "@/components/list-pagination";
import { PageHeader } from "@/components/page-header";
import { SortHeader } from "@/components/sort-header";
import { TableState } from "@/components/table-state";
import {
  USER_DEFAULT_SORT,
  useDeleteUser,
  userListQuery,
  useUpdateUser,
  useUsers,
} from "@/features/users/api/users";
import {
  CreateUserModal,
  EditUserModal,
  ResetPasswordModal,
} from "@/features/users/components/user-modals";
import type { User } from "@/lib/api-schemas";
import { formatDateTime } from "@/lib/format";
import { toggleSort, updateParams } from "@/lib/url-filters";

type RoleOption = { value: string; label: string };

export function UsersList({
  roleOptions,
  currentUserId,
}: {
  roleOptions: RoleOption[];
  currentUserId?: number;
}) {
  const [params, setParams] = useSearchParams();
  const query = userListQuery(params);
  const users = useUsers(query);
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [toggling, setToggling] = useState<User | null>(null);
  const deleteUser = useDeleteUser();
  const updateUser = useUpdateUser();

  const change = (changes: Record<string, string | number | null | undefined>) =>
    setParams(updateParams(params, changes));
  const applySearch = useDebouncedCallback((value: string) => change({ q: value }), 300);

  const items = users.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Users"
        description={users.data ? `${users.data.total} users` : undefined}
        actions={<Button onClick={() => setCreating(true)}>New user</Button>}
      />
      <Paper withBorder p="sm" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Username contains…"
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              applySearch(e.currentTarget.value);
            }}
            aria-label="Search users"
          />
          <Select
            label="Role"
            placeholder="Any role"
            clearable
            data={roleOptions}
            value={query.role ?? null}
            onChange={(value) => change({ role: value })}
          />
          <Select
            label="Status"
            placeholder="Any"
            clearable
            data={[
              { value: "true", label: "Active" },
              { value: "false", label: "Inactive" },
            ]}
            value={params.get("is_active")}
            onChange={(value) => change({ is_active: value })}
          />
        </Group>
      </Paper>
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover aria-label="Users" aria-busy={users.isFetching}>
          <Table.Thead>
            <Table.Tr>
              <SortHeader
                label="Username"
                field="username"
                sort={query.sort ?? undefined}
                fallback={USER_DEFAULT_SORT}
                onSort={(field) =>
                  change({ sort: toggleSort(query.sort ?? undefined, USER_DEFAULT_SORT, field) })
                }
              />
              <Table.Th>Roles</Table.Th>
              <Table.Th>Status</Table.Th>
              <SortHeader
                label="Created"
                field="created_at"
                sort={query.sort ?? undefined}
                fallback={USER_DEFAULT_SORT}
                onSort={(field) =>
                  change({ sort: toggleSort(query.sort ?? undefined, USER_DEFAULT_SORT, field) })
                }
              />
              <SortHeader
                label="Last login"
                field="last_login_at"
                sort={query.sort ?? undefined}
                fallback={USER_DEFAULT_SORT}
                onSort={(field) =>
                  change({ sort: toggleSort(query.sort ?? undefined, USER_DEFAULT_SORT, field) })
                }
              />
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <TableState
              colSpan={6}
              isPending={users.isPending}
              error={users.error}
              isEmpty={items.length === 0}
              emptyText="No users match these filters."
            />
            {items.map((user) => (
              <Table.Tr key={user.id} data-testid="user-row">
                <Table.Td>
                  <Text component={Link} to={`/users/${user.id}`} size="sm" fw={500} c="blue">
                    {user.username}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {user.roles.map((role) => (
                      <Badge miw="max-content" key={role} variant="light" size="sm">
                        {role}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge
                      miw="max-content"
                      color={user.is_active ? "teal" : "gray"}
                      variant="light"
                      size="sm"
                    >
                      {user.is_active ? "active" : "inactive"}
                    </Badge>
                    {user.password_change_required && (
                      <Badge miw="max-content" color="orange" variant="light" size="sm">
                        must change password
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{formatDateTime(user.created_at)}</Table.Td>
                <Table.Td>{formatDateTime(user.last_login_at)}</Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={`Actions for ${user.username}`}
                      >
                        Actions
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item onClick={() => setEditing(user)}>
                        Edit username and roles
                      </Menu.Item>
                      <Menu.Item component={Link} to={`/users/${user.id}`}>
                        Logins
                      </Menu.Item>
                      <Menu.Item onClick={() => setResetting(user)}>Reset password</Menu.Item>
                      <Menu.Item
                        onClick={() => {
                          updateUser.reset();
                          setToggling(user);
                        }}
                        disabled={user.id === currentUserId}
                      >
                        {user.is_active ? "Deactivate" : "Activate"}
                      </Menu.Item>
                      <Menu.Divider />
                      <Menu.Item
                        c="red"
                        onClick={() => {
                          deleteUser.reset();
                          setDeleting(user);
                        }}
                        disabled={user.id === currentUserId}
                      >
                        Delete
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {users.data && (
        <ListPagination
          total={users.data.total}
          perPage={users.data.per_page}
          page={users.data.page}
          onChange={(page) => change({ page })}
        />
      )}
      <CreateUserModal
        opened={creating}
        onClose={() => setCreating(false)}
        roleOptions={roleOptions}
      />
      <EditUserModal user={editing} onClose={() => setEditing(null)} roleOptions={roleOptions} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.username ?? ""}?`}
        confirmLabel="Delete user"
        loading={deleteUser.isPending}
        error={deleteUser.error}
        onConfirm={() =>
          deleting && deleteUser.mutate(deleting.id, { onSuccess: () => setDeleting(null) })
        }
      >
        The user {deleting?.username} and all their logins will be deleted. This cannot be undone.
      </ConfirmModal>
      <ConfirmModal
        opened={toggling !== null}
        onClose={() => setToggling(null)}
        title={`${toggling?.is_active ? "Deactivate" : "Activate"} ${toggling?.username ?? ""}?`}
        confirmLabel={toggling?.is_active ? "Deactivate" : "Activate"}
        color={toggling?.is_active ? "red" : "teal"}
        loading={updateUser.isPending}
        error={updateUser.error}
        onConfirm={() =>
          toggling &&
          updateUser.mutate(
            { id: toggling.id, is_active: !toggling.is_active },
            { onSuccess: () => setToggling(null) },
          )
        }
      >
        {toggling?.is_active
          ? `${toggling.username} will be signed out everywhere and cannot sign in until activated again.`
          : `${toggling?.username ?? ""} will be able to sign in again.`}
      </ConfirmModal>
    </>
  );
}
