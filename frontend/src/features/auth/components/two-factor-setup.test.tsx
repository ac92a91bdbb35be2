import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { svgDataUri, TwoFactorSetup } from "@/features/auth/components/two-factor-setup";
import { setAccessToken } from "@/lib/api-client";
import type { Me } from "@/lib/api-schemas";
import { fieldError, mockApi, on, renderWithApp, reply, validationProblem } from "@/testing/render";

const me = (mfaEnabled: boolean): Me => ({
  id: 3,
  username: "nurse",
  roles: ["user"],
  is_active: true,
  password_change_required: false,
  mfa_enabled: mfaEnabled,
  mfa_enrollment_required: false,
  created_at: "2025-01-01T00:00:00Z",
  last_login_at: null,
});

const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1H0z"/></svg>';
const ENROLLMENT = {
  secret: "JBSWY3DPEHPK3PXP",
  otpauth_uri: "otpauth://totp/sanic-rest-template:nurse?secret=JBSWY3DPEHPK3PXP",
  qr_svg: SVG,
};
const CODES = Array.from({ length: 10 }, (_, n) => `abcd-efgh-jk${String(n).padStart(2, "2")}`);

describe("TwoFactorSetup", () => {
  it("shows the QR code as an image and the key as text, moves focus to the code, then shows the recovery codes", async () => {
    setAccessToken("token");
    const api = mockApi(
      on("GET", "/auth/me", reply(200, me(false))),
      on("POST", "/auth/me/mfa/totp", reply(200, ENROLLMENT)),
      on("POST", "/auth/me/mfa/totp/confirm", reply(200, { recovery_codes: CODES })),
    );
    const { user } = renderWithApp(<TwoFactorSetup />);

    await user.click(await screen.findByRole("button", { name: "Set up two-factor login" }));
    const qr = await screen.findByRole("img", { name: "QR code for your authenticator app" });
    expect(qr.getAttribute("src")).toBe(svgDataUri(SVG));
    expect(qr.getAttribute("src")?.startsWith("data:image/svg+xml;")).toBe(true);
    expect(document.querySelector("svg path")).toBeNull(); // never markup in the page
    expect(screen.getByTestId("mfa-secret").textContent).toBe("JBSWY3DPEHPK3PXP");
    const code = screen.getByLabelText(/code from the app/i);
    expect(document.activeElement).toBe(code);

    await user.type(code, "123456{Enter}");
    const list = await screen.findByTestId("recovery-codes");
    expect(list.textContent).toContain(CODES[0]);
    expect(list.querySelectorAll("li")).toHaveLength(10);
    expect(screen.getByRole("button", { name: "Copy" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Download" })).toBeTruthy();
    expect(api.calls).toContainEqual(
      expect.objectContaining({
        method: "POST",
        path: "/auth/me/mfa/totp/confirm",
        body: { code: "123456" },
      }),
    );
  });

  it("shows a wrong code next to the code field", async () => {
    setAccessToken("token");
    mockApi(
      on("GET", "/auth/me", reply(200, me(false))),
      on("POST", "/auth/me/mfa/totp", reply(200, ENROLLMENT)),
      on(
        "POST",
        "/auth/me/mfa/totp/confirm",
        validationProblem([{ loc: ["body", "code"], msg: "Invalid or already used code" }]),
      ),
    );
    const { user } = renderWithApp(<TwoFactorSetup />);

    await user.click(await screen.findByRole("button", { name: "Set up two-factor login" }));
    const code = await screen.findByLabelText(/code from the app/i);
    await user.type(code, "000000{Enter}");

    await waitFor(() => expect(fieldError(code)).toBe("Invalid or already used code"));
  });

  it("turns two-factor off with the password and a code", async () => {
    setAccessToken("token");
    const api = mockApi(
      on("GET", "/auth/me", reply(200, me(true))),
      on("DELETE", "/auth/me/mfa", reply(204)),
    );
    const { user } = renderWithApp(<TwoFactorSetup />);

    await user.type(await screen.findByLabelText(/^password/i), "my password");
    await user.type(screen.getByLabelText(/code from the app, or a recovery code/i), "654321");
    await user.click(screen.getByRole("button", { name: "Turn off two-factor login" }));

    await waitFor(() =>
      expect(api.calls).toContainEqual(
        expect.objectContaining({
          method: "DELETE",
          path: "/auth/me/mfa",
          body: { password: "my password", code: "654321" },
        }),
      ),
    );
  });
});
