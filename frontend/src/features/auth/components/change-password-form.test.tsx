import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ChangePasswordForm } from "@/features/auth/components/change-password-form";
import { fieldError, mockApi, on, renderWithApp, reply, validationProblem } from "@/testing/render";

function fields() {
  return {
    current: screen.getByLabelText(/current password/i),
    next: screen.getByLabelText(/^new password/i),
    confirm: screen.getByLabelText(/repeat the new password/i),
    submit: screen.getByRole("button", { name: "Change password" }),
  };
}

describe("ChangePasswordForm", () => {
  it("says when the repeated password differs, next to it, and does not send", async () => {
    const api = mockApi();
    const { user } = renderWithApp(<ChangePasswordForm />);
    const { current, next, confirm, submit } = fields();

    expect(submit.hasAttribute("disabled")).toBe(true);
    await user.type(current, "old password 1");
    await user.type(next, "a new long password");
    await user.type(confirm, "a new long passwor");

    expect(fieldError(confirm)).toBe("The passwords do not match");
    expect(confirm.getAttribute("aria-invalid")).toBe("true");
    expect(submit.hasAttribute("disabled")).toBe(true);
    await user.type(confirm, "{Enter}");
    expect(api.calls).toEqual([]);

    await user.type(confirm, "d");
    expect(fieldError(confirm)).toBeNull();
    expect(submit.hasAttribute("disabled")).toBe(false);
  });

  it("puts the current and new password, then says it is done and empties the fields", async () => {
    const api = mockApi(on("PUT", "/auth/me/password", reply(204)));
    const onSuccess = vi.fn();
    const { user } = renderWithApp(<ChangePasswordForm onSuccess={onSuccess} />);
    const { current, next, confirm, submit } = fields();

    await user.type(current, "old password 1");
    await user.type(next, "a new long password");
    await user.type(confirm, "a new long password");
    await user.click(submit);

    expect((await screen.findByRole("status", { name: "Password changed" })).textContent).toContain(
      "Your other logins have been signed out.",
    );
    expect(onSuccess).toHaveBeenCalledOnce();
    expect(api.calls).toContainEqual(
      expect.objectContaining({
        method: "PUT",
        path: "/auth/me/password",
        body: { current_password: "old password 1", new_password: "a new long password" },
      }),
    );
    expect((current as HTMLInputElement).value).toBe("");
    expect((next as HTMLInputElement).value).toBe("");
  });

  it("shows the server's password policy error (422, loc body.new_password) on the new password", async () => {
    mockApi(
      on(
        "PUT",
        "/auth/me/password",
        validationProblem([{ loc: ["body", "new_password"], msg: "This password is too common" }]),
      ),
    );
    const { user } = renderWithApp(<ChangePasswordForm />);
    const { current, next, confirm, submit } = fields();

    await user.type(current, "old password 1");
    await user.type(next, "password1234");
    await user.type(confirm, "password1234");
    await user.click(submit);

    await waitFor(() => expect(fieldError(next)).toBe("This password is too common"));
    expect(next.getAttribute("aria-invalid")).toBe("true");
    expect(fieldError(current)).toBeNull();
    const alert = screen.getByRole("alert", { name: "Could not change the password" });
    expect(alert.textContent).toContain("The request is not valid.");
    expect(alert.textContent).not.toContain("too common");
  });

  it("shows a wrong current password on that field, without the alert", async () => {
    mockApi(
      on(
        "PUT",
        "/auth/me/password",
        reply(400, {
          type: "about:blank",
          title: "Bad Request",
          status: 400,
          detail: "The current password is wrong.",
          code: "current_password_invalid",
          request_id: "req-400",
        }),
      ),
    );
    const { user } = renderWithApp(<ChangePasswordForm />);
    const { current, next, confirm, submit } = fields();

    await user.type(current, "not it");
    await user.type(next, "a new long password");
    await user.type(confirm, "a new long password");
    await user.click(submit);

    await waitFor(() => expect(fieldError(current)).toBe("The current password is wrong."));
    expect(screen.queryByRole("alert", { name: "Could not change the password" })).toBeNull();
  });
});
