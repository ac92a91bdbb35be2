import { render, screen } from "@testing-library/react";
// Not "react-router/dom" as the app does: under Vitest that entry resolves to a second copy of
// react-router, whose context the routes' hooks do not see.
import { RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { AppProvider } from "@/app/provider";
import { createAppRouter } from "@/app/router";
import { mockApi, on, reply } from "@/testing/render";

describe("the router's lazy pages", () => {
  it("show a status while the first page's chunk loads, then the page (here: to sign in)", async () => {
    const api = mockApi(
      on(
        "POST",
        "/auth/refresh",
        reply(401, { title: "Unauthorized", status: 401, detail: "No login" }),
      ),
    );
    window.history.pushState({}, "", "/users?q=bo");
    render(
      <AppProvider>
        <RouterProvider router={createAppRouter()} />
      </AppProvider>,
    );

    expect(screen.getByRole("status", { name: "Loading the page" })).toBeTruthy();
    // The layout's chunk asks for the session; without one the login page comes.
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(window.location.pathname).toBe("/login");
    expect(screen.queryByRole("status", { name: "Loading the page" })).toBeNull();
    expect(api.calls.map((call) => `${call.method} ${call.path}`)).toEqual(["POST /auth/refresh"]);
  });
});
