import { Alert, Text } from "@mantine/core";
import { ApiError } from "@/lib/api-client";

/** Human-readable text for any error (ApiError detail, else a generic message). */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return "Something went wrong. Please try again.";
}

/** Field errors of a failed request, keyed by field name (from problem+json `errors[].loc`). */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors : {};
}

type ErrorAlertProps = {
  error: unknown;
  title?: string;
  /** Fields shown next to their inputs; other field errors are listed here. */
  shownFields?: readonly string[];
};

/** An error from the API as text (never HTML), with its request id for support. */
export function ErrorAlert({ error, title = "Request failed", shownFields = [] }: ErrorAlertProps) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const others = Object.entries(api?.fieldErrors ?? {}).filter(
    ([field]) => !shownFields.includes(field),
  );
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{errorText(error)}</Text>
      {others.map(([field, msg]) => (
        <Text size="sm" key={field}>
          {field}: {msg}
        </Text>
      ))}
      {api?.requestId && (
        <Text size="xs" c="dimmed" mt={4}>
          Request id: {api.requestId}
        </Text>
      )}
    </Alert>
  );
}
