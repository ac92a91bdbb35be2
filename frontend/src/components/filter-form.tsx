import { Button, Group, Paper, TextInput } from "@mantine/core";
import type { FormEvent, ReactNode } from "react";

/** A list's filters: the fields in a row, then Apply (submits) and Clear. */
export function FilterForm({
  label,
  onApply,
  onClear,
  children,
}: {
  label: string;
  onApply: (event: FormEvent<HTMLFormElement>) => void;
  onClear: () => void;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="sm" mb="md">
      <form onSubmit={onApply} aria-label={label}>
        <Group gap="sm" align="flex-end" wrap="wrap">
          {children}
          <Button type="submit">Apply</Button>
          <Button variant="subtle" onClick={onClear}>
            Clear
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

/** "Since" and "Until" as local date-times (the URL keeps them as ISO, see url-filters). */
export function TimeRangeInputs({
  since,
  until,
  onChange,
  errors = {},
}: {
  since: string;
  until: string;
  onChange: (key: "since" | "until") => (value: string) => void;
  errors?: Partial<Record<"since" | "until", string>>;
}) {
  return (
    <>
      <TextInput
        type="datetime-local"
        label="Since"
        value={since}
        onChange={(e) => onChange("since")(e.currentTarget.value)}
        error={errors.since}
      />
      <TextInput
        type="datetime-local"
        label="Until"
        value={until}
        onChange={(e) => onChange("until")(e.currentTarget.value)}
        error={errors.until}
      />
    </>
  );
}
