import { Checkbox, Group, NumberInput, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useRef, useState } from "react";
import { BusyButton } from "@/components/busy-button";
import { ErrorAlert, fieldErrorsOf } from "@/components/error-alert";
import { DEFAULT_MAX_DAYS, useCreateApiKey } from "@/features/api-keys/api/api-keys";
import { NewKeyPanel } from "@/features/api-keys/components/new-key-panel";
import type { ApiKeyCreated } from "@/lib/api-schemas";

const SHOWN_FIELDS = ["name", "roles", "expires_in_days"];

/** Create a key with some of the caller's roles; the key is then shown once. */
export function CreateApiKeyForm({ myRoles }: { myRoles: string[] }) {
  const [name, setName] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const [days, setDays] = useState<string | number>(30);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const mutation = useCreateApiKey();
  const errors = fieldErrorsOf(mutation.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate(
      { name: name.trim(), roles, expires_in_days: Number(days) },
      {
        onSuccess: (made) => {
          setCreated(made);
          setName("");
          setRoles([]);
        },
      },
    );
  }

  function done() {
    setCreated(null);
    mutation.reset();
    nameInput.current?.focus();
  }

  return (
    <Stack gap="sm" maw={520}>
      {created && <NewKeyPanel created={created} onDone={done} />}
      <form onSubmit={submit} noValidate aria-label="New API key">
        <Stack gap="sm">
          <ErrorAlert
            error={mutation.error}
            title="Could not create the key"
            shownFields={SHOWN_FIELDS}
          />
          <TextInput
            ref={nameInput}
            label="Name"
            description="What the key is for, e.g. nightly export"
            required
            maxLength={64}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
          />
          <Checkbox.Group
            label="Roles"
            description="The key acts with these roles only, and only while you hold them"
            required
            value={roles}
            onChange={setRoles}
            error={errors.roles}
          >
            <Group gap="md" mt={4}>
              {myRoles.map((role) => (
                <Checkbox key={role} value={role} label={role} />
              ))}
            </Group>
          </Checkbox.Group>
          <NumberInput
            label="Expires after (days)"
            description={`1 to ${DEFAULT_MAX_DAYS} days unless the server is configured otherwise`}
            required
            min={1}
            allowDecimal={false}
            allowNegative={false}
            value={days}
            onChange={setDays}
            error={errors.expires_in_days}
            w={220}
          />
          <Group>
            <BusyButton type="submit" busy={mutation.isPending}>
              Create key
            </BusyButton>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
