import { Badge, Select, Table, Text, TextInput } from "@mantine/core";
import { BusyButton } from "@/components/busy-button";
import { ErrorAlert, fieldErrorsOf } from "@/components/error-alert";
import { FilterForm, TimeRangeInputs } from "@/components/filter-form";
import { ListPagination } from "@/components/list-pagination";
import { PageHeader } from "@/components/page-header";
import { SortHeader } from "@/components/sort-header";
import { TableState } from "@/components/table-state";
import {
  ACCESS_LOG_DEFAULT_SORT,
  ACCESS_LOG_FILTER_KEYS,
  accessLogFilters,
  accessLogQuery,
  matchSummary,
  pagedTotal,
  useAccessLog,
  useExportAccessLog,
} from "@/features/access-log/api/access-log";
import { formatDateTime, formatMs } from "@/lib/format";
import { toggleSort, updateParams } from "@/lib/url-filters";
import { useFilterDraft } from "@/lib/use-filter-draft";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function statusColor(status: number): string {
  if (status >= 500) return "red";
  if (status >= 400) return "yellow";
  if (status >= 300) return "blue";
  return "teal";
}

export function AccessLogView() {
  const { params, setParams, draft, set, apply, clear } = useFilterDraft(ACCESS_LOG_FILTER_KEYS);
  const query = accessLogQuery(params);
  const log = useAccessLog(query);
  const exporter = useExportAccessLog();

  const sort = params.get("sort") ?? undefined;
  const onSort = (field: string) =>
    setParams(updateParams(params, { sort: toggleSort(sort, ACCESS_LOG_DEFAULT_SORT, field) }));
  const items = log.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Access log"
        description={log.data ? matchSummary(log.data) : undefined}
        actions={
          <BusyButton
            variant="default"
            busy={exporter.isPending}
            onClick={() => exporter.mutate(accessLogFilters(params))}
          >
            Export CSV
          </BusyButton>
        }
      />
      <ErrorAlert error={exporter.error} title="Export failed" />
      <FilterForm label="Access log filters" onApply={apply} onClear={clear}>
        <TextInput
          label="Username"
          value={draft.username}
          onChange={(e) => set("username")(e.currentTarget.value)}
          w={140}
        />
        <Select
          label="Method"
          placeholder="Any"
          clearable
          data={METHODS}
          value={draft.method || null}
          onChange={set("method")}
          w={120}
        />
        <TextInput
          label="Status"
          placeholder="404 or 4xx"
          value={draft.status}
          onChange={(e) => set("status")(e.currentTarget.value)}
          w={110}
          error={fieldErrorsOf(log.error).status}
        />
        <TextInput
          label="Path starts with"
          placeholder="/api/v1/users"
          value={draft.path}
          onChange={(e) => set("path")(e.currentTarget.value)}
          w={200}
        />
        <TextInput
          label="IP"
          value={draft.ip}
          onChange={(e) => set("ip")(e.currentTarget.value)}
          w={130}
        />
        <TimeRangeInputs since={draft.since} until={draft.until} onChange={set} />
      </FilterForm>
      <Table.ScrollContainer minWidth={900}>
        <Table
          striped
          highlightOnHover
          verticalSpacing={4}
          aria-label="Access log"
          aria-busy={log.isFetching}
        >
          <Table.Thead>
            <Table.Tr>
              <SortHeader
                label="Time"
                field="timestamp"
                sort={sort}
                fallback={ACCESS_LOG_DEFAULT_SORT}
                onSort={onSort}
              />
              <Table.Th>Method</Table.Th>
              <Table.Th>Path</Table.Th>
              <SortHeader
                label="Status"
                field="status"
                sort={sort}
                fallback={ACCESS_LOG_DEFAULT_SORT}
                onSort={onSort}
              />
              <SortHeader
                label="Duration"
                field="duration_ms"
                sort={sort}
                fallback={ACCESS_LOG_DEFAULT_SORT}
                onSort={onSort}
              />
              <Table.Th>User</Table.Th>
              <Table.Th>IP</Table.Th>
              <Table.Th>User agent</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <TableState
              colSpan={8}
              isPending={log.isPending}
              error={log.error}
              isEmpty={items.length === 0}
              emptyText="No requests match these filters."
            />
            {items.map((row) => (
              <Table.Tr key={row.id} data-testid="log-row">
                <Table.Td>
                  <Text size="xs" title={`Request id ${row.request_id}`}>
                    {formatDateTime(row.timestamp)}
                  </Text>
                </Table.Td>
                <Table.Td>{row.method}</Table.Td>
                <Table.Td>
                  <Text
                    size="sm"
                    lineClamp={2}
                    title={row.query ? `${row.path}?${row.query}` : row.path}
                  >
                    {row.path}
                    {row.query ? `?${row.query}` : ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge miw="max-content" color={statusColor(row.status)} variant="light">
                    {row.status}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatMs(row.duration_ms)}</Table.Td>
                <Table.Td>
                  {row.username ?? "—"}
                  {row.api_key_id && (
                    <Text
                      size="xs"
                      c="dimmed"
                      title={`API key id ${row.api_key_id}`}
                      data-testid="log-api-key"
                    >
                      with API key “{row.api_key_name}”
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{row.ip}</Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={2} title={row.user_agent} data-testid="log-user-agent">
                    {row.user_agent}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {log.data && (
        <ListPagination
          total={pagedTotal(log.data)}
          perPage={log.data.per_page}
          page={log.data.page}
          onChange={(page) => setParams(updateParams(params, { page }))}
        />
      )}
    </>
  );
}
