import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiKeysView } from "@/features/api-keys/components/api-keys-view";
import type { ApiKey, ApiKeyCreated, ApiKeyPage } from "@/lib/api-schemas";
import { fieldError, mockApi, on, renderWithApp, reply, validationProblem } from "@/testing/render";

const key: ApiKey = {
  id: "0b7c6f0e-1f7a-4c55-9f55-5d6a3a0f2c11",
  name: "nightly export",
  prefix: "srt_0123456789abcdef",
  roles: ["user"],
  user_id: 2,
  username: "nurse",
  created_at: "2026-12-01T10:00:00Z",
  expires_at: "2099-12-31T10:00:00Z",
  last_used_at: null,
};
const created: ApiKeyCreated = { ...key, key: `${key.prefix}_${"A".repeat(43)}` };
const page = (items: ApiKey[]): ApiKeyPage => ({
  items,
  total: items.length,
  page: 1,
  per_page: 20,
});
const nurse = { id: 2, roles: ["user"] };

describe("API keys", () => {
  it("offer only the caller's roles, and show a new key once with a Copy button", async () => {
    const api = mockApi(
      on("GET", "/auth/me/api-keys", reply(200, page([]))),
      on("POST", "/auth/me/api-keys", reply(201, created)),
    );
    const { user } = renderWithApp(<ApiKeysView me={nurse} />, { route: "/api-keys" });
    const form = within(screen.getByRole("form", { name: "New API key" }));

    expect(form.getAllByRole("checkbox").map((box) => box.getAttribute("value"))).toEqual(["user"]);
    await user.type(form.getByRole("textbox", { name: /Name/ }), "nightly export");
    await user.click(form.getByRole("checkbox", { name: "user" }));
    await user.click(form.getByRole("button", { name: "Create key" }));

    const shown = await screen.findByTestId("new-api-key");
    expect(api.calls.find((call) => call.method === "POST")?.body).toEqual({
      name: "nightly export",
      roles: ["user"],
      expires_in_days: 30,
    });
    expect(within(shown).getByText(/you will not see it again/)).toBeTruthy();
    expect(screen.getByTestId("new-api-key-value").textContent).toBe(created.key);
    expect(document.activeElement?.textContent).toContain("Your new key");

    await user.click(within(shown).getByRole("button", { name: "Copy key" }));
    // user-event's clipboard stands in for the browser's.
    expect(await navigator.clipboard.readText()).toBe(created.key);
    await waitFor(() =>
      expect(within(shown).getByRole("status").textContent).toBe(
        "Copied the key to the clipboard.",
      ),
    );

    await user.click(within(shown).getByRole("button", { name: "Done" }));
    expect(screen.queryByTestId("new-api-key")).toBeNull();
    expect(screen.queryByText(created.key)).toBeNull();
  });

  it("show the server's 422 under the field it names", async () => {
    mockApi(
      on("GET", "/auth/me/api-keys", reply(200, page([]))),
      on(
        "POST",
        "/auth/me/api-keys",
        validationProblem([{ loc: ["body", "expires_in_days"], msg: "At most 90" }]),
      ),
    );
    const { user } = renderWithApp(<ApiKeysView me={nurse} />, { route: "/api-keys" });
    const form = within(screen.getByRole("form", { name: "New API key" }));
    await user.type(form.getByRole("textbox", { name: /Name/ }), "k");
    const days = form.getByRole("textbox", { name: /Expires after/ });
    await user.clear(days);
    await user.type(days, "120");
    await user.click(form.getByRole("button", { name: "Create key" }));
    await waitFor(() => expect(fieldError(days)).toBe("At most 90"));
  });

  it("revoke a key after confirming, and let admins see everyone's keys", async () => {
    const api = mockApi(
      on("GET", "/auth/me/api-keys", reply(200, page([]))),
      on("GET", "/api-keys", reply(200, page([key]))),
      on("GET", "/users", reply(200, { items: [], total: 0, page: 1, per_page: 100 })),
      on("DELETE", `/api-keys/${key.id}`, reply(204)),
    );
    const { user } = renderWithApp(<ApiKeysView me={{ id: 1, roles: ["admin", "user"] }} />, {
      route: "/api-keys",
    });
    const all = await screen.findByRole("table", { name: "All API keys" });
    await within(all).findByText("nurse");
    await user.click(
      within(all).getByRole("button", { name: "Revoke key nightly export of nurse" }),
    );
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Revoke key" }));
    await waitFor(() =>
      expect(
        api.calls.some((call) => call.method === "DELETE" && call.path === `/api-keys/${key.id}`),
      ).toBe(true),
    );
    expect(await screen.findByText(/Revoked the key nightly export/)).toBeTruthy();
  });
});
