import { Badge, Button, Group, Stack, Table, Text, Textarea, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { AppModal } from "@/components/app-modal";
import { BusyButton } from "@/components/busy-button";
import { ConfirmModal } from "@/components/confirm-modal";
import { ErrorAlert, fieldErrorsOf } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { TableState } from "@/components/table-state";
import { useCreateRole, useDeleteRole, useRoles, useUpdateRole } from "@/features/roles/api/roles";
import type { Role } from "@/lib/api-schemas";

export function RolesList() {
  const roles = useRoles();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Role | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const deleteRole = useDeleteRole();
  const items = roles.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Roles"
        description="Built-in roles cannot be deleted."
        actions={<Button onClick={() => setCreating(true)}>New role</Button>}
      />
      <Table.ScrollContainer minWidth={560}>
        <Table striped highlightOnHover aria-label="Roles">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Users</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <TableState
              colSpan={4}
              isPending={roles.isPending}
              error={roles.error}
              isEmpty={items.length === 0}
              emptyText="No roles."
            />
            {items.map((role) => (
              <Table.Tr key={role.name} data-testid="role-row">
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" fw={500}>
                      {role.name}
                    </Text>
                    {role.built_in && (
                      <Badge miw="max-content" size="xs" variant="outline">
                        built-in
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{role.description}</Table.Td>
                <Table.Td>{role.user_count}</Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    <Button size="xs" variant="default" onClick={() => setEditing(role)}>
                      Edit
                    </Button>
                    {!role.built_in && (
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        onClick={() => {
                          deleteRole.reset();
                          setDeleting(role);
                        }}
                      >
                        Delete
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <CreateRoleModal opened={creating} onClose={() => setCreating(false)} />
      <AppModal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={`Edit role ${editing?.name ?? ""}`}
      >
        {editing && (
          <EditRoleForm key={editing.name} role={editing} onClose={() => setEditing(null)} />
        )}
      </AppModal>
      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete role ${deleting?.name ?? ""}?`}
        confirmLabel="Delete role"
        loading={deleteRole.isPending}
        error={deleteRole.error}
        onConfirm={() =>
          deleting && deleteRole.mutate(deleting.name, { onSuccess: () => setDeleting(null) })
        }
      >
        {deleting && deleting.user_count > 0
          ? `${deleting.user_count} user(s) have this role and will lose it.`
          : "No user has this role."}
      </ConfirmModal>
    </>
  );
}

function CreateRoleModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const mutation = useCreateRole();
  const errors = fieldErrorsOf(mutation.error);

  function close() {
    mutation.reset();
    setName("");
    setDescription("");
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate({ name: name.trim(), description }, { onSuccess: close });
  }

  return (
    <AppModal opened={opened} onClose={close} title="New role">
      <form onSubmit={submit} noValidate aria-label="New role">
        <Stack gap="sm">
          <ErrorAlert
            error={mutation.error}
            title="Could not create the role"
            shownFields={["name", "description"]}
          />
          <TextInput
            label="Name"
            description="Lower-case letters, digits, _ and -; starts with a letter"
            required
            data-autofocus
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
          />
          <Textarea
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errors.description}
            maxLength={255}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <BusyButton type="submit" busy={mutation.isPending}>
              Create role
            </BusyButton>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}

function EditRoleForm({ role, onClose }: { role: Role; onClose: () => void }) {
  const [description, setDescription] = useState(role.description);
  const mutation = useUpdateRole();
  const errors = fieldErrorsOf(mutation.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate({ name: role.name, description }, { onSuccess: onClose });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Edit role">
      <Stack gap="sm">
        <ErrorAlert error={mutation.error} title="Could not save" shownFields={["description"]} />
        <Textarea
          label="Description"
          data-autofocus
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={errors.description}
          maxLength={255}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <BusyButton type="submit" busy={mutation.isPending}>
            Save
          </BusyButton>
        </Group>
      </Stack>
    </form>
  );
}
