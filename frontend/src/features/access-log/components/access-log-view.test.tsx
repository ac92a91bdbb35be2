import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AccessLogView } from "@/features/access-log/components/access-log-view";
import type { AccessLogEntry, AccessLogPage } from "@/lib/api-schemas";
import { formatCount } from "@/lib/format";
import {
  type ApiCall,
  fieldError,
  mockApi,
  renderWithApp,
  reply,
  validationProblem,
} from "@/testing/render";

const emptyPage: AccessLogPage = { items: [], total: 0, total_exact: true, page: 1, per_page: 50 };

function entry(id: number): AccessLogEntry {
  return {
    id,
    timestamp: "2026-12-06T06:00:00Z",
    request_id: `r${id}`,
    method: "GET",
    path: "/api/v1/users",
    query: "",
    status: 200,
    duration_ms: 1.5,
    username: "root",
    user_id: 1,
    api_key_id: null,
    api_key_name: null,
    ip: "127.0.0.1",
    user_agent: "test",
    event: null,
  };
}

/** Page `page` of 50 holding `rows` rows. */
function logPage(page: number, rows: number, total: number, total_exact: boolean): AccessLogPage {
  const items = Array.from({ length: rows }, (_, n) => entry((page - 1) * 50 + n + 1));
  return { items, total, total_exact, page, per_page: 50 };
}

const listCalls = (calls: ApiCall[]) => calls.filter((call) => call.path === "/access-log");
const lastQuery = (calls: ApiCall[]) =>
  Object.fromEntries(listCalls(calls).at(-1)?.search.entries() ?? []);

describe("access log filters", () => {
  it("start from the URL, and Apply puts the edited filters in the URL and the request", async () => {
    const api = mockApi((call) =>
      call.path === "/access-log" ? reply(200, emptyPage) : undefined,
    );
    const { user } = renderWithApp(<AccessLogView />, {
      route: "/access-log?username=bob&page=3",
    });
    const form = within(screen.getByRole("form", { name: "Access log filters" }));

    await waitFor(() => expect(listCalls(api.calls)).toHaveLength(1));
    expect(lastQuery(api.calls)).toEqual({
      username: "bob",
      sort: "-timestamp",
      page: "3",
      per_page: "50",
    });
    expect((form.getByRole("textbox", { name: "Username" }) as HTMLInputElement).value).toBe("bob");

    await user.clear(form.getByRole("textbox", { name: "Username" }));
    await user.type(form.getByRole("textbox", { name: "Status" }), "4xx");
    await user.type(form.getByRole("textbox", { name: "Path starts with" }), "/api/v1/users");
    await user.click(form.getByRole("button", { name: "Apply" }));

    // A new filter goes back to page 1; empty filters are left out.
    await waitFor(() =>
      expect(screen.getByTestId("location").textContent).toBe(
        "/access-log?status=4xx&path=%2Fapi%2Fv1%2Fusers",
      ),
    );
    await waitFor(() =>
      expect(lastQuery(api.calls)).toEqual({
        status: "4xx",
        path: "/api/v1/users",
        sort: "-timestamp",
        page: "1",
        per_page: "50",
      }),
    );
  });

  it("show the server's 422 for a filter (loc query.status) under that filter", async () => {
    mockApi((call) =>
      call.path !== "/access-log"
        ? undefined
        : call.search.get("status") === "abc"
          ? validationProblem([{ loc: ["query", "status"], msg: "Use a code like 404 or 4xx" }])
          : reply(200, emptyPage),
    );
    const { user } = renderWithApp(<AccessLogView />, { route: "/access-log" });
    const form = within(screen.getByRole("form", { name: "Access log filters" }));
    const status = form.getByRole("textbox", { name: "Status" });

    await user.type(status, "abc");
    await user.click(form.getByRole("button", { name: "Apply" }));

    await waitFor(() => expect(fieldError(status)).toBe("Use a code like 404 or 4xx"));
    expect(status.getAttribute("aria-invalid")).toBe("true");
  });

  it("Clear empties the fields and the URL", async () => {
    mockApi((call) => (call.path === "/access-log" ? reply(200, emptyPage) : undefined));
    const { user } = renderWithApp(<AccessLogView />, {
      route: "/access-log?username=bob&method=POST&sort=status",
    });
    const form = within(screen.getByRole("form", { name: "Access log filters" }));

    expect((form.getByLabelText("Method") as HTMLInputElement).value).toBe("POST");
    // Two buttons are named "Clear": the method select's × (named by the theme) and the form's.
    const [clearForm, ...others] = form
      .getAllByRole("button", { name: "Clear" })
      .filter((button) => button.textContent === "Clear");
    expect(others).toEqual([]);
    await user.click(clearForm as HTMLElement);

    expect(screen.getByTestId("location").textContent).toBe("/access-log");
    expect((form.getByRole("textbox", { name: "Username" }) as HTMLInputElement).value).toBe("");
    expect((form.getByLabelText("Method") as HTMLInputElement).value).toBe("");
  });
});

describe("access log totals", () => {
  it("past the server's counting ceiling, say so and page on while pages come back full", async () => {
    const api = mockApi((call) =>
      call.path === "/access-log"
        ? reply(200, logPage(Number(call.search.get("page")), 50, 10_000, false))
        : undefined,
    );
    const { user } = renderWithApp(<AccessLogView />, { route: "/access-log?page=200" });

    expect(await screen.findByText(`${formatCount(10_000)}+ requests match`)).toBeTruthy();
    const pages = within(screen.getByRole("navigation", { name: "Pages" }));
    const next = pages.getByRole("button", { name: "Next page" });
    expect(next.hasAttribute("disabled")).toBe(false);

    await user.click(next);
    await waitFor(() => expect(lastQuery(api.calls).page).toBe("201"));
    expect(screen.getByTestId("location").textContent).toBe("/access-log?page=201");
  });

  it("past the ceiling, a page that is not full is the last", async () => {
    mockApi((call) =>
      call.path === "/access-log" ? reply(200, logPage(230, 7, 11_457, true)) : undefined,
    );
    renderWithApp(<AccessLogView />, { route: "/access-log?page=230" });

    expect(await screen.findByText(`${formatCount(11_457)} requests match`)).toBeTruthy();
    const pages = within(screen.getByRole("navigation", { name: "Pages" }));
    expect(pages.getByRole("button", { name: "Next page" }).hasAttribute("disabled")).toBe(true);
    expect(pages.getByRole("button", { name: "Page 230" })).toBeTruthy();
  });

  it("an exact total ends the pager at its last page", async () => {
    mockApi((call) =>
      call.path === "/access-log" ? reply(200, logPage(3, 20, 120, true)) : undefined,
    );
    renderWithApp(<AccessLogView />, { route: "/access-log?page=3" });

    expect(await screen.findByText("120 requests match")).toBeTruthy();
    const pages = within(screen.getByRole("navigation", { name: "Pages" }));
    expect(pages.getByRole("button", { name: "Next page" }).hasAttribute("disabled")).toBe(true);
  });
});
