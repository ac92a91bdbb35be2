import { UnstyledButton } from "@mantine/core";
import { parseSort } from "@/lib/url-filters";

/** A column header that sorts by `field` (server-side); announces the direction. */
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
  const arrow = active ? (current.desc ? " ↓" : " ↑") : "";
  return (
    <UnstyledButton
      onClick={() => onSort(field)}
      fw={600}
      fz="sm"
      aria-label={`Sort by ${label}${active ? (current.desc ? ", descending" : ", ascending") : ""}`}
    >
      {label}
      {arrow}
    </UnstyledButton>
  );
}
