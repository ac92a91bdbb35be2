import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AuditTrailView } from "@/features/audit-trail/components/audit-trail-view";
import type { AuditEvent, AuditEventPage } from "@/lib/api-schemas";
import {
  type ApiCall,
  fieldError,
  mockApi,
  renderWithApp,
  reply,
  validationProblem,
} from "@/testing/render";

const update: AuditEvent = {
  id: 41,
  timestamp: "2026-12-01T10:00:00Z",
  actor: "root",
  actor_id: 1,
  action: "user.update",
  target_type: "user",
  target_id: "7",
  target_label: "bob",
  details: { changes: { roles: { from: ["user"], to: ["admin", "user"] } } },
  request_id: "req-41",
};
const page = (items: AuditEvent[]): AuditEventPage => ({
  items,
  total: items.length,
  page: 1,
  per_page: 50,
});

const listCalls = (calls: ApiCall[]) => calls.filter((call) => call.path === "/audit-events");
const lastQuery = (calls: ApiCall[]) =>
  Object.fromEntries(listCalls(calls).at(-1)?.search.entries() ?? []);

describe("the audit trail", () => {
  it("reads who did what to whom, with links to both users", async () => {
    mockApi((call) => (call.path === "/audit-events" ? reply(200, page([update])) : undefined));
    renderWithApp(<AuditTrailView />, { route: "/audit-trail" });

    const row = await screen.findByTestId("audit-row");
    expect(row.textContent).toContain("changed the user");
    expect(row.textContent).toContain("roles: user → admin, user");
    expect(within(row).getByRole("link", { name: "root" }).getAttribute("href")).toBe("/users/1");
    expect(within(row).getByRole("link", { name: "bob" }).getAttribute("href")).toBe("/users/7");
  });

  it("shows a user's history from the URL, and Apply sends the edited filters", async () => {
    const api = mockApi((call) =>
      call.path === "/audit-events" ? reply(200, page([update])) : undefined,
    );
    const { user } = renderWithApp(<AuditTrailView />, {
      route: "/audit-trail?target_type=user&target_id=7",
    });

    expect(await screen.findByRole("heading", { name: "History of bob" })).toBeTruthy();
    expect(lastQuery(api.calls)).toEqual({
      target_type: "user",
      target_id: "7",
      sort: "-timestamp",
      page: "1",
      per_page: "50",
    });
    const form = within(screen.getByRole("form", { name: "Audit trail filters" }));
    await user.type(form.getByRole("textbox", { name: "By (username)" }), "root");
    await user.click(form.getByRole("button", { name: "Apply" }));
    await waitFor(() =>
      expect(screen.getByTestId("location").textContent).toBe(
        "/audit-trail?target_type=user&target_id=7&actor=root",
      ),
    );
    await waitFor(() => expect(lastQuery(api.calls).actor).toBe("root"));
  });

  it("shows the server's 422 under the filter it names", async () => {
    mockApi((call) =>
      call.path !== "/audit-events"
        ? undefined
        : call.search.get("target_id")
          ? validationProblem([{ loc: ["query", "target_type"], msg: "Required with target_id" }])
          : reply(200, page([])),
    );
    const { user } = renderWithApp(<AuditTrailView />, { route: "/audit-trail" });
    const form = within(screen.getByRole("form", { name: "Audit trail filters" }));

    await user.type(form.getByRole("textbox", { name: "Target id" }), "7");
    await user.click(form.getByRole("button", { name: "Apply" }));

    const targetType = form.getByLabelText("Target type");
    await waitFor(() => expect(fieldError(targetType)).toBe("Required with target_id"));
  });
});
