import { Badge, Group, Select, Table, Text, TextInput } from "@mantine/core";
import { Link } from "react-router";
import { BusyButton } from "@/components/busy-button";
import { ErrorAlert, fieldErrorsOf } from "@/components/error-alert";
import { FilterForm, TimeRangeInputs } from "@/components/filter-form";
import { ListPagination } from "@/components/list-pagination";
import { PageHeader } from "@/components/page-header";
import { SortHeader } from "@/components/sort-header";
import { TableState } from "@/components/table-state";
import {
  AUDIT_DEFAULT_SORT,
  AUDIT_FILTER_KEYS,
  auditFilters,
  auditQuery,
  TARGET_TYPES,
  useAuditEvents,
  useExportAuditEvents,
} from "@/features/audit-trail/api/audit-events";
import { KNOWN_ACTIONS, summarize, verbOf } from "@/features/audit-trail/components/describe-event";
import type { AuditEvent } from "@/lib/api-schemas";
import { formatDateTime } from "@/lib/format";
import { toggleSort, updateParams } from "@/lib/url-filters";
import { useFilterDraft } from "@/lib/use-filter-draft";

function Actor({ event }: { event: AuditEvent }) {
  if (!event.actor) return <>—</>;
  if (event.actor_id === null) return <>{event.actor}</>;
  return (
    <Text component={Link} to={`/users/${event.actor_id}`} size="sm" c="blue">
      {event.actor}
    </Text>
  );
}

function Target({ event }: { event: AuditEvent }) {
  const label = event.target_label || `${event.target_type} ${event.target_id}`;
  if (event.target_type !== "user" || event.action === "user.delete") return <>{label}</>;
  return (
    <Text component={Link} to={`/users/${event.target_id}`} size="sm" c="blue">
      {label}
    </Text>
  );
}

/** Admin actions, newest first, read like Django admin's history: who did what to whom, when. */
export function AuditTrailView() {
  const { params, setParams, draft, set, apply, clear } = useFilterDraft(AUDIT_FILTER_KEYS);
  const query = auditQuery(params);
  const events = useAuditEvents(query);
  const exporter = useExportAuditEvents();
  const errors = fieldErrorsOf(events.error);

  const sort = params.get("sort") ?? undefined;
  const onSort = (field: string) =>
    setParams(updateParams(params, { sort: toggleSort(sort, AUDIT_DEFAULT_SORT, field) }));
  const items = events.data?.items ?? [];
  const history = query.target_type && query.target_id;
  const subject = history
    ? (items[0]?.target_label ?? `${query.target_type} ${query.target_id}`)
    : "";

  return (
    <>
      <PageHeader
        title={history ? `History of ${subject}` : "Audit trail"}
        description={events.data ? `${events.data.total} admin actions match` : "Admin actions"}
        actions={
          <BusyButton
            variant="default"
            busy={exporter.isPending}
            onClick={() => exporter.mutate(auditFilters(params))}
          >
            Export CSV
          </BusyButton>
        }
      />
      <ErrorAlert error={exporter.error} title="Export failed" />
      <FilterForm label="Audit trail filters" onApply={apply} onClear={clear}>
        <Select
          label="Action"
          placeholder="Any"
          clearable
          searchable
          data={KNOWN_ACTIONS}
          value={draft.action || null}
          onChange={set("action")}
          w={190}
          error={errors.action}
        />
        <TextInput
          label="By (username)"
          value={draft.actor}
          onChange={(e) => set("actor")(e.currentTarget.value)}
          w={150}
          error={errors.actor}
        />
        <Select
          label="Target type"
          placeholder="Any"
          clearable
          data={[...TARGET_TYPES]}
          value={draft.target_type || null}
          onChange={set("target_type")}
          w={130}
          error={errors.target_type}
        />
        <TextInput
          label="Target id"
          placeholder="a user's id, a role's name"
          value={draft.target_id}
          onChange={(e) => set("target_id")(e.currentTarget.value)}
          w={180}
          error={errors.target_id}
        />
        <TimeRangeInputs since={draft.since} until={draft.until} onChange={set} errors={errors} />
      </FilterForm>
      <Table.ScrollContainer minWidth={800}>
        <Table
          striped
          highlightOnHover
          verticalSpacing={4}
          aria-label="Audit trail"
          aria-busy={events.isFetching}
        >
          <Table.Thead>
            <Table.Tr>
              <SortHeader
                label="Time"
                field="timestamp"
                sort={sort}
                fallback={AUDIT_DEFAULT_SORT}
                onSort={onSort}
              />
              <Table.Th>Who</Table.Th>
              <Table.Th>Did</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <TableState
              colSpan={5}
              isPending={events.isPending}
              error={events.error}
              isEmpty={items.length === 0}
              emptyText="No admin actions match these filters."
            />
            {items.map((event) => (
              <Table.Tr key={event.id} data-testid="audit-row">
                <Table.Td>
                  <Text size="xs" title={`Request id ${event.request_id}`}>
                    {formatDateTime(event.timestamp)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Actor event={event} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" title={event.action}>
                    {verbOf(event.action)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Badge miw="max-content" variant="light" size="sm">
                      {event.target_type}
                    </Badge>
                    <Target event={event} />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={3}>
                    {summarize(event.details) || "—"}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {events.data && (
        <ListPagination
          total={events.data.total}
          perPage={events.data.per_page}
          page={events.data.page}
          onChange={(page) => setParams(updateParams(params, { page }))}
        />
      )}
    </>
  );
}
