import { Button, Group, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { AppModal } from "@/components/app-modal";
import { BusyButton } from "@/components/busy-button";
import { ErrorAlert } from "@/components/error-alert";

type ConfirmModalProps = {
  opened: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  loading?: boolean;
  error?: unknown;
  color?: string;
};

/** "Are you sure?" for destructive actions; Cancel has the initial focus. */
export function ConfirmModal({
  opened,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel,
  loading = false,
  error,
  color = "red",
}: ConfirmModalProps) {
  return (
    <AppModal opened={opened} onClose={onClose} title={title}>
      <Stack gap="md">
        <Text size="sm" component="div">
          {children}
        </Text>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <BusyButton color={color} onClick={onConfirm} busy={loading}>
            {confirmLabel}
          </BusyButton>
        </Group>
      </Stack>
    </AppModal>
  );
}
