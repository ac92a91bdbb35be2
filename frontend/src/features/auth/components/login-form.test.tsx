import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { LoginForm } from "@/features/auth/components/login-form";
import { mockApi, on, renderWithApp, reply } from "@/testing/render";

const TOKENS = {
  access_token: "access",
  refresh_token: null,
  token_type: "Bearer",
  expires_in: 900,
  refresh_expires_in: 86400,
  password_change_required: false,
  mfa_enrollment_required: false,
};
const ME = {
  id: 3,
  username: "nurse",
  roles: ["user"],
  is_active: true,
  password_change_required: false,
  mfa_enabled: true,
  mfa_enrollment_required: false,
  created_at: "2025-01-01T00:00:00Z",
  last_login_at: null,
};

describe("LoginForm", () => {
  it("asks for the code after the password of a two-factor user, with the focus on it", async () => {
    const api = mockApi(
      on(
        "POST",
        "/auth/login",
        reply(200, { mfa_required: true, mfa_token: "challenge", expires_in: 300 }),
      ),
      on("POST", "/auth/login/mfa", reply(200, TOKENS)),
      on("GET", "/auth/me", reply(200, ME)),
    );
    const onSuccess = vi.fn();
    const { user } = renderWithApp(<LoginForm onSuccess={onSuccess} />);

    await user.type(screen.getByLabelText(/username/i), "nurse");
    await user.type(screen.getByLabelText(/^password/i), "a long password{Enter}");
    const code = await screen.findByLabelText(/authentication code/i);
    await waitFor(() => expect(document.activeElement).toBe(code));
    expect(onSuccess).not.toHaveBeenCalled();

    await user.type(code, "abcd-efgh-jkmn{Enter}"); // a recovery code is taken as well
    await waitFor(() => expect(onSuccess).toHaveBeenCalledOnce());
    expect(api.calls).toContainEqual(
      expect.objectContaining({
        method: "POST",
        path: "/auth/login/mfa",
        body: { mfa_token: "challenge", code: "abcd-efgh-jkmn", use_cookie: true },
      }),
    );
  });

  it("goes back to the password when the mfa_token has expired", async () => {
    mockApi(
      on(
        "POST",
        "/auth/login",
        reply(200, { mfa_required: true, mfa_token: "challenge", expires_in: 300 }),
      ),
      on(
        "POST",
        "/auth/login/mfa",
        reply(401, {
          title: "Unauthorized",
          status: 401,
          detail: "The mfa_token has expired; log in again",
          code: "mfa_token_expired",
        }),
      ),
    );
    const { user } = renderWithApp(<LoginForm onSuccess={vi.fn()} />);

    await user.type(screen.getByLabelText(/username/i), "nurse");
    await user.type(screen.getByLabelText(/^password/i), "a long password{Enter}");
    await user.type(await screen.findByLabelText(/authentication code/i), "123456{Enter}");

    expect((await screen.findByRole("alert")).textContent).toContain("The mfa_token has expired");
    expect(screen.getByLabelText(/^password/i)).toBeTruthy();
  });
});
