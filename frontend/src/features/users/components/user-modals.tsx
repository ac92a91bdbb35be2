import { Button, Checkbox, Group, MultiSelect, Stack, Switch, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { AppModal } from "@/components/app-modal";
import { BusyButton } from "@/components/busy-button";
import { ErrorAlert, fieldErrorsOf } from "@/components/error-alert";
import { PasswordField } from "@/components/password-field";
import { useCreateUser, useResetPassword, useUpdateUser } from "@/features/users/api/users";
import type { User, UserUpdate } from "@/lib/api-schemas";

type RoleOption = { value: string; label: string };

export function CreateUserModal({
  opened,
  onClose,
  roleOptions,
}: {
  opened: boolean;
  onClose: () => void;
  roleOptions: RoleOption[];
}) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState<string[]>(["user"]);
  const [isActive, setIsActive] = useState(true);
  const [mustChange, setMustChange] = useState(true);
  const mutation = useCreateUser();
  const errors = fieldErrorsOf(mutation.error);

  function close() {
    mutation.reset();
    setUsername("");
    setPassword("");
    setRoles(["user"]);
    setIsActive(true);
    setMustChange(true);
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate(
      {
        username: username.trim(),
        password,
        roles,
        is_active: isActive,
        password_change_required: mustChange,
      },
      { onSuccess: close },
    );
  }

  return (
    <AppModal opened={opened} onClose={close} title="New user">
      <form onSubmit={submit} noValidate aria-label="New user">
        <Stack gap="sm">
          <ErrorAlert
            error={mutation.error}
            title="Could not create the user"
            shownFields={["username", "password", "roles"]}
          />
          <TextInput
            label="Username"
            description="3-64 letters, digits, . _ - @"
            required
            data-autofocus
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={errors.username}
          />
          <PasswordField
            label="Temporary password"
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
          />
          <MultiSelect
            label="Roles"
            data={roleOptions}
            value={roles}
            onChange={setRoles}
            error={errors.roles ?? errors["0"]}
            searchable
            comboboxProps={{ withinPortal: true }}
          />
          <Switch
            label="Active"
            checked={isActive}
            onChange={(e) => setIsActive(e.currentTarget.checked)}
          />
          <Checkbox
            label="Must change the password at first login"
            checked={mustChange}
            onChange={(e) => setMustChange(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <BusyButton type="submit" busy={mutation.isPending}>
              Create user
            </BusyButton>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}

export function EditUserModal({
  user,
  onClose,
  roleOptions,
}: {
  user: User | null;
  onClose: () => void;
  roleOptions: RoleOption[];
}) {
  return (
    <AppModal opened={user !== null} onClose={onClose} title={`Edit ${user?.username ?? ""}`}>
      {user && (
        <EditUserForm key={user.id} user={user} onClose={onClose} roleOptions={roleOptions} />
      )}
    </AppModal>
  );
}

function EditUserForm({
  user,
  onClose,
  roleOptions,
}: {
  user: User;
  onClose: () => void;
  roleOptions: RoleOption[];
}) {
  const [username, setUsername] = useState(user.username);
  const [roles, setRoles] = useState<string[]>(user.roles);
  const mutation = useUpdateUser();
  const errors = fieldErrorsOf(mutation.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const changes: UserUpdate & { id: number } = { id: user.id };
    if (username.trim() !== user.username) changes.username = username.trim();
    changes.roles = roles;
    mutation.mutate(changes, { onSuccess: onClose });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Edit user">
      <Stack gap="sm">
        <ErrorAlert
          error={mutation.error}
          title="Could not save"
          shownFields={["username", "roles"]}
        />
        <TextInput
          label="Username"
          required
          value={username}
          onChange={(e) => setUsername(e.currentTarget.value)}
          error={errors.username}
        />
        <MultiSelect
          label="Roles"
          data={roleOptions}
          value={roles}
          onChange={setRoles}
          error={errors.roles}
          searchable
          data-autofocus
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

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const [mustChange, setMustChange] = useState(true);
  const mutation = useResetPassword();
  const errors = fieldErrorsOf(mutation.error);

  function close() {
    mutation.reset();
    setPassword("");
    setMustChange(true);
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!user) return;
    mutation.mutate(
      { id: user.id, password, password_change_required: mustChange },
      { onSuccess: close },
    );
  }

  return (
    <AppModal
      opened={user !== null}
      onClose={close}
      title={`Reset the password of ${user?.username ?? ""}`}
    >
      <form onSubmit={submit} noValidate aria-label="Reset password">
        <Stack gap="sm">
          <ErrorAlert error={mutation.error} title="Could not reset" shownFields={["password"]} />
          <PasswordField
            label="New password"
            required
            data-autofocus
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
          />
          <Checkbox
            label="Must change at next login"
            checked={mustChange}
            onChange={(e) => setMustChange(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <BusyButton type="submit" color="orange" busy={mutation.isPending}>
              Reset password
            </BusyButton>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
