import { Table, UnstyledButton } from "@mantine/core";
import { parseSort } from "@/lib/url-filters";

/**
 * A column header that sorts by `field` (server-side). The header carries aria-sort, so a
 * screen reader says "Username, sorted ascending" with each cell of the column, and the
 * button inside is named by the column alone; the arrow is decoration.
 */
export function SortHeader({
  label,
  field,
  sort,
  fallback,
  onSort,
}: {
  label: string;
  field: string;
  sort: string | undefined;
  fallback: string;
  onSort: (field: string) => void;
}) {
  const current = parseSort(sort, fallback);
  const active = current.field === field;
  return (
    <Table.Th aria-sort={active ? (current.desc ? "descending" : "ascending") : undefined}>
      <UnstyledButton onClick={() => onSort(field)} fw={600} fz="sm">
        {label}
        {active && <span aria-hidden="true">{current.desc ? " ↓" : " ↑"}</span>}
      </UnstyledButton>
    </Table.Th>
  );
}
