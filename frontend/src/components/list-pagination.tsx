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
}: {
  total: number;
  perPage: number;
  page: number;
  onChange: (page: number) => void;
}) {
  if (total <= perPage) return null;
  return (
    <Group component="nav" aria-label="Pages" justify="center" mt="md">
      <Pagination total={pageCount(total, perPage)} value={page} onChange={onChange} />
    </Group>
  );
}
