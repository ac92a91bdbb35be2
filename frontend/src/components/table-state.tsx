import { Center, Loader, Table, Text } from "@mantine/core";
import { ErrorAlert } from "@/components/error-alert";

/** A table body row for loading, error or empty states; null when there are rows to show. */
export function TableState({
  colSpan,
  isPending,
  error,
  isEmpty,
  emptyText = "Nothing to show.",
}: {
  colSpan: number;
  isPending: boolean;
  error: unknown;
  isEmpty: boolean;
  emptyText?: string;
}) {
  let content: React.ReactNode = null;
  if (isPending) {
    content = (
      <Center py="lg" role="status" aria-label="Loading">
        <Loader size="sm" aria-hidden="true" />
      </Center>
    );
  } else if (error) {
    content = <ErrorAlert error={error} title="Could not load" />;
  } else if (isEmpty) {
    content = (
      <Text c="dimmed" ta="center" py="lg">
        {emptyText}
      </Text>
    );
  }
  if (content === null) return null;
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan}>{content}</Table.Td>
    </Table.Tr>
  );
}
