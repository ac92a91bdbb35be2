import { PasswordInput, type PasswordInputProps } from "@mantine/core";

/**
 * Mantine's PasswordInput, marked aria-invalid while it shows an error like every other
 * input (PasswordInput only sets data-invalid; its error is tied to it by aria-describedby).
 */
export function PasswordField(props: PasswordInputProps) {
  return <PasswordInput aria-invalid={props.error ? true : undefined} {...props} />;
}
