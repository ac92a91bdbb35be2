import { Alert, Button, Table, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useSearchParams } from "react-router";
import { ConfirmModal } from "@/components/confirm-modal";
import { fieldErrorsOf } from "@/components/error-alert";
import { FilterForm } from "@/components/filter-form";
import { ListPagination } from "@/components/list-pagination";
import { PageHeader } from "@/components/page-header";
import { SortHeader } from "@/components/sort-header";
import { TableState } from "@/components/table-state";
import {
  LOCKOUT_DEFAULT_SORT,
  lockoutsQuery,
  useLockouts,
} from "@/features/lockouts/api/get-lockouts";
import { useLiftLockout } from "@/features/lockouts/api/lift-lockout";
import { ApiError } from "@/lib/api-client";
import type { Lockout } from "@/lib/api-schemas";
import { formatDateTime, formatRelative } from "@/lib/format";
import { toggleSort, updateParams } from "@/lib/url-filters";

export const ANY_USERNAME = "any username";
export const ANY_ADDRESS = "any address";

/**
 * Who a lockout refuses. A null username locks the address for every username (the
 * per-address limit); a null address locks the username at every address (its ceiling).
 */
export function lockoutSubject(lockout: Pick<Lockout, "username" | "ip">): {
  username: string;
  address: string;
  text: string;
} {
  const username = lockout.username ?? ANY_USERNAME;
  const address = lockout.ip ?? ANY_ADDRESS;
  return { username, address, text: `${username} at ${address}` };
}

/** What lifting a lockout allows, in a sentence. */
export function liftConsequence(lockout: Pick<Lockout, "username" | "ip">): string {
  if (lockout.username !== null && lockout.ip !== null) {
    return `${lockout.username} may try to sign in from ${lockout.ip} again at once.`;
  }
  if (lockout.username !== null) {
    return `${lockout.username} may try to sign in again at once, from any address.`;
  }
  return `Sign-ins from ${lockout.ip ?? ANY_ADDRESS} may be tried again at once, for any username.`;
}

/** A username or an address; "any …" (for null) set apart from real values. */
function Who({ value, shown }: { value: string | null; shown: string }) {
  return value === null ? (
    <Text size="sm" c="dimmed" fs="italic">
      {shown}
    </Text>
  ) : (
    <Text size="sm">{shown}</Text>
  );
}

type Draft = { username: string; ip: string };

function draftFrom(params: URLSearchParams): Draft {
  return { username: params.get("username") ?? "", ip: params.get("ip") ?? "" };
}

/** The lockouts in force now; filter by username or address, lift one. */
export function LockoutsList() {
  const [params, setParams] = useSearchParams();
  const query = lockoutsQuery(params);
  const lockouts = useLockouts(query);
  const lift = useLiftLockout();
  const [draft, setDraft] = useState<Draft>(() => draftFrom(params));
  const [lifting, setLifting] = useState<Lockout | null>(null);
  const [feedback, setFeedback] = useState<string | null>(null);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setParams(updateParams(params, draft));
  }

  function clear() {
    setDraft(draftFrom(new URLSearchParams()));
    setParams(updateParams(params, { username: null, ip: null }));
  }

  function confirmLift() {
    if (!lifting) return;
    const { text } = lockoutSubject(lifting);
    lift.mutate(lifting.id, {
      onSuccess: () => {
        setFeedback(`Lifted the lockout of ${text}.`);
        setLifting(null);
      },
      onError: (error) => {
        // Gone already (lifted elsewhere, or a successful sign-in cleared it): nothing to do.
        if (error instanceof ApiError && error.status === 404) {
          setFeedback(`The lockout of ${text} was already gone.`);
          setLifting(null);
        }
      },
    });
  }

  const sort = query.sort ?? undefined;
  const onSort = (field: string) =>
    setParams(updateParams(params, { sort: toggleSort(sort, LOCKOUT_DEFAULT_SORT, field) }));
  const filtered = Boolean(query.username || query.ip);
  const items = lockouts.data?.items ?? [];
  const now = Date.now();

  return (
    <>
      <PageHeader
        title="Lockouts"
        description={lockouts.data ? `${lockouts.data.total} locked out now` : undefined}
      />
      <Text size="sm" c="dimmed" mb="sm">
        After too many failed sign-ins a username, an address, or a username at one address is
        refused until the time shown. Lifting a lockout lets them try again at once.
      </Text>
      {feedback && (
        <Alert
          color="teal"
          role="status"
          mb="md"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setFeedback(null)}
        >
          {feedback}
        </Alert>
      )}
      <FilterForm label="Lockout filters" onApply={apply} onClear={clear}>
        <TextInput
          label="Username"
          placeholder="Exact username"
          value={draft.username}
          onChange={(e) => setDraft({ ...draft, username: e.currentTarget.value })}
          error={fieldErrorsOf(lockouts.error).username}
          w={200}
        />
        <TextInput
          label="Address"
          placeholder="198.51.100.7"
          value={draft.ip}
          onChange={(e) => setDraft({ ...draft, ip: e.currentTarget.value })}
          error={fieldErrorsOf(lockouts.error).ip}
          w={200}
        />
      </FilterForm>
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover aria-label="Lockouts" aria-busy={lockouts.isFetching}>
          <Table.Thead>
            <Table.Tr>
              <SortHeader
                label="Username"
                field="username"
                sort={sort}
                fallback={LOCKOUT_DEFAULT_SORT}
                onSort={onSort}
              />
              <Table.Th>Address</Table.Th>
              <SortHeader
                label="Failures"
                field="failures"
                sort={sort}
                fallback={LOCKOUT_DEFAULT_SORT}
                onSort={onSort}
              />
              <SortHeader
                label="Locked until"
                field="locked_until"
                sort={sort}
                fallback={LOCKOUT_DEFAULT_SORT}
                onSort={onSort}
              />
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <TableState
              colSpan={5}
              isPending={lockouts.isPending}
              error={lockouts.error}
              isEmpty={items.length === 0}
              emptyText={filtered ? "No lockouts match these filters." : "No one is locked out."}
            />
            {items.map((lockout) => {
              const subject = lockoutSubject(lockout);
              return (
                <Table.Tr key={lockout.id} data-testid="lockout-row">
                  <Table.Td>
                    <Who value={lockout.username} shown={subject.username} />
                  </Table.Td>
                  <Table.Td>
                    <Who value={lockout.ip} shown={subject.address} />
                  </Table.Td>
                  <Table.Td>{lockout.failures}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatRelative(lockout.locked_until, now)}</Text>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(lockout.locked_until)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Lift lockout of ${subject.text}`}
                      onClick={() => {
                        lift.reset();
                        setFeedback(null);
                        setLifting(lockout);
                      }}
                    >
                      Lift
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {lockouts.data && (
        <ListPagination
          total={lockouts.data.total}
          perPage={lockouts.data.per_page}
          page={lockouts.data.page}
          onChange={(page) => setParams(updateParams(params, { page }))}
        />
      )}
      <ConfirmModal
        opened={lifting !== null}
        onClose={() => setLifting(null)}
        title={
          lifting ? `Lift the lockout of ${lockoutSubject(lifting).text}?` : "Lift the lockout?"
        }
        confirmLabel="Lift lockout"
        color="teal"
        loading={lift.isPending}
        error={lift.error}
        onConfirm={confirmLift}
      >
        {lifting && liftConsequence(lifting)} If the failures were someone guessing a password, they
        may guess again.
      </ConfirmModal>
    </>
  );
}
