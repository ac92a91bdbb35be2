/**
 * Render a component the way the app does: Mantine with the app's theme, a fresh QueryClient
 * (no retries, so an error shows at once) and a MemoryRouter at `route`. Requests are answered
 * by `mockApi`, which stubs `fetch` (the boundary `src/lib/api-client.ts` calls).
 */
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement, ReactNode } from "react";
import { MemoryRouter, useLocation } from "react-router";
import { vi } from "vitest";
import { cssVariablesResolver, theme } from "@/app/theme";

/** The path and search of the MemoryRouter, as a test element shows it. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

export function renderWithApp(ui: ReactElement, { route = "/" }: { route?: string } = {}) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      withCssVariables={false}
      withGlobalClasses={false}
    >
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[route]}>
          {children}
          <LocationProbe />
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
  return { user: userEvent.setup({ delay: null }), queryClient, ...render(ui, { wrapper }) };
}

/**
 * The elements an input's aria-describedby names (its description and error message), which
 * is how a screen reader ties a validation message to its field.
 */
export function describedBy(element: HTMLElement): HTMLElement[] {
  const ids = (element.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
  return ids.flatMap((id) => {
    const found = document.getElementById(id);
    return found ? [found] : [];
  });
}

/** The field's error message as announced: the described-by element with role=alert. */
export function fieldError(element: HTMLElement): string | null {
  const error = describedBy(element).find((el) => el.getAttribute("role") === "alert");
  return error?.textContent ?? null;
}

export type ApiCall = { method: string; path: string; search: URLSearchParams; body: unknown };

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
type Handler = (call: ApiCall) => Reply | undefined;

/** A JSON reply; a status >= 400 goes out as application/problem+json. */
export function reply(status: number, body?: unknown): Reply {
  return { status, body };
}

/** A 422 problem as the API sends it, with `errors[].loc` naming the fields. */
export function validationProblem(
  errors: { loc: (string | number)[]; msg: string }[],
  requestId = "req-422",
): Reply {
  return reply(422, {
    type: "about:blank",
    title: "Unprocessable Content",
    status: 422,
    detail: "The request is not valid.",
    code: "validation_error",
    request_id: requestId,
    errors: errors.map((error) => ({ ...error, type: "value_error" })),
  });
}

/**
 * Stub `fetch`: every call is recorded (method, path under /api/v1, query, parsed JSON body)
 * and answered by the first handler that returns a reply; none answering is a 404 problem.
 */
export function mockApi(...handlers: Handler[]) {
  const calls: ApiCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://console.test");
    const call: ApiCall = {
      method: init.method ?? "GET",
      path: url.pathname.replace(/^\/api\/v1/, ""),
      search: url.searchParams,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const answer =
      handlers.map((handler) => handler(call)).find((r) => r !== undefined) ??
      reply(404, { title: "Not Found", status: 404, detail: `No mock for ${call.path}` });
    const status = answer.status ?? 200;
    if (status === 204 || answer.body === undefined) return new Response(null, { status });
    return new Response(JSON.stringify(answer.body), {
      status,
      headers: {
        "Content-Type": status >= 400 ? "application/problem+json" : "application/json",
        ...answer.headers,
      },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

/** A handler for one method and path. */
export function on(method: string, path: string, answer: Reply | ((call: ApiCall) => Reply)) {
  return (call: ApiCall) =>
    call.method === method && call.path === path
      ? typeof answer === "function"
        ? answer(call)
        : answer
      : undefined;
}
