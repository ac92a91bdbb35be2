import { Button, type ButtonProps, Loader } from "@mantine/core";
import type { ComponentPropsWithoutRef, MouseEvent } from "react";

type BusyButtonProps = ButtonProps &
  Omit<ComponentPropsWithoutRef<"button">, keyof ButtonProps> & { busy?: boolean };

/**
 * A Button that shows a loader while `busy` and ignores clicks (and form submission) then,
 * but keeps keyboard focus: Mantine's `loading` disables the button, and a disabled button
 * drops focus to the page, out of the modal the keyboard user was in.
 */
export function BusyButton({ busy = false, onClick, rightSection, ...props }: BusyButtonProps) {
  return (
    <Button
      {...props}
      aria-disabled={busy || undefined}
      rightSection={
        busy ? <Loader size={14} color="currentColor" aria-hidden="true" /> : rightSection
      }
      onClick={(event: MouseEvent<HTMLButtonElement>) => {
        if (busy) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    />
  );
}
