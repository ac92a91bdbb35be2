import { Group, Pagination } from "@mantine/core";
import { pageCount } from "@/lib/url-filters";

/**
 * Pages of a server-side list, in a navigation landmark ("Pages"); nothing when one page
 * holds everything. The theme names the page and arrow buttons.
 */
export function ListPagination({
  total,
  perPage,
  page,
  onChange,
  label = "Pages",
}: {
  total: number;
  perPage: number;
  page: number;
  onChange: (page: number) => void;
  /** The landmark's name: give each of several lists on a page its own. */
  label?: string;
}) {
  if (total <= perPage) return null;
  return (
    <Group component="nav" aria-label={label} justify="center" mt="md">
      <Pagination total={pageCount(total, perPage)} value={page} onChange={onChange} />
    </Group>
  );
}
