import { Alert, Select, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { ConfirmModal } from "@/components/confirm-modal";
import { ListPagination } from "@/components/list-pagination";
import { PageHeader } from "@/components/page-header";
import {
  allApiKeysQuery,
  myApiKeysQuery,
  useAllApiKeys,
  useKeyOwners,
  useMyApiKeys,
  useRevokeApiKey,
} from "@/features/api-keys/api/api-keys";
import { ApiKeysTable } from "@/features/api-keys/components/api-keys-table";
import { CreateApiKeyForm } from "@/features/api-keys/components/create-api-key-form";
import { ApiError } from "@/lib/api-client";
import type { ApiKey } from "@/lib/api-schemas";
import { updateParams } from "@/lib/url-filters";

type Revoking = { key: ApiKey; mine: boolean };

/**
 * API keys: create one (shown once), list and revoke the caller's; admins also see, filter by
 * owner and revoke everyone's.
 */
export function ApiKeysView({ me }: { me: { id: number; roles: string[] } }) {
  const [params, setParams] = useSearchParams();
  const isAdmin = me.roles.includes("admin");
  const mine = useMyApiKeys(myApiKeysQuery(params));
  const allQuery = allApiKeysQuery(params);
  const all = useAllApiKeys(allQuery, { enabled: isAdmin });
  const owners = useKeyOwners({ enabled: isAdmin });
  const revoke = useRevokeApiKey();
  const [revoking, setRevoking] = useState<Revoking | null>(null);
  const [feedback, setFeedback] = useState<string | null>(null);

  function confirmRevoke() {
    if (!revoking) return;
    const { key, mine } = revoking;
    revoke.mutate(
      { id: key.id, mine },
      {
        onSuccess: () => {
          setFeedback(`Revoked the key ${key.name} (${key.prefix}).`);
          setRevoking(null);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 404) {
            setFeedback(`The key ${key.name} was already gone.`);
            setRevoking(null);
          }
        },
      },
    );
  }

  function startRevoking(key: ApiKey, isMine: boolean) {
    revoke.reset();
    setFeedback(null);
    setRevoking({ key, mine: isMine });
  }

  const ownerOptions = (owners.data?.items ?? []).map((user) => ({
    value: String(user.id),
    label: user.username,
  }));

  return (
    <Stack gap="xl">
      <PageHeader
        title="API keys"
        description="Keys let scripts and other services call the API as you, with the roles you choose."
      />
      {feedback && (
        <Alert
          color="teal"
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setFeedback(null)}
        >
          {feedback}
        </Alert>
      )}
      <Stack gap="sm">
        <Title order={3}>New key</Title>
        <Text size="sm" c="dimmed">
          Send a key as <code>Authorization: Bearer srt_…</code>. It stops working when it expires,
          when it is revoked, and for any role you lose; it cannot manage your account.
        </Text>
        <CreateApiKeyForm myRoles={me.roles} />
      </Stack>
      <Stack gap="sm">
        <Title order={3}>My keys</Title>
        <ApiKeysTable
          label="My API keys"
          page={mine.data}
          isPending={mine.isPending}
          isFetching={mine.isFetching}
          error={mine.error}
          emptyText="You have no API keys."
          onRevoke={(key) => startRevoking(key, true)}
        />
        {mine.data && (
          <ListPagination
            label="Pages of my keys"
            total={mine.data.total}
            perPage={mine.data.per_page}
            page={mine.data.page}
            onChange={(page) => setParams(updateParams(params, { page }))}
          />
        )}
      </Stack>
      {isAdmin && (
        <Stack gap="sm">
          <Title order={3}>All keys</Title>
          <Select
            label="Owner"
            placeholder="Everyone"
            searchable
            clearable
            w={260}
            data={ownerOptions}
            value={allQuery.user_id ? String(allQuery.user_id) : null}
            onChange={(value) =>
              setParams(updateParams(params, { user_id: value, all_page: null, page: null }))
            }
          />
          <ApiKeysTable
            label="All API keys"
            page={all.data}
            isPending={all.isPending}
            isFetching={all.isFetching}
            error={all.error}
            emptyText={allQuery.user_id ? "This user has no API keys." : "No one has an API key."}
            showOwner
            onRevoke={(key) => startRevoking(key, key.user_id === me.id)}
          />
          {all.data && (
            <ListPagination
              label="Pages of all keys"
              total={all.data.total}
              perPage={all.data.per_page}
              page={all.data.page}
              onChange={(page) => setParams(updateParams(params, { all_page: page, page: null }))}
            />
          )}
        </Stack>
      )}
      <ConfirmModal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={revoking ? `Revoke the key ${revoking.key.name}?` : "Revoke the key?"}
        confirmLabel="Revoke key"
        loading={revoke.isPending}
        error={revoke.error}
        onConfirm={confirmRevoke}
      >
        {revoking && (
          <>
            Whatever uses {revoking.key.prefix}…{" "}
            {revoking.mine ? "" : `(${revoking.key.username}'s) `}
            is refused from its next request on. This cannot be undone.
          </>
        )}
      </ConfirmModal>
    </Stack>
  );
}
