import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { CreateUserModal, EditUserModal } from "@/features/users/components/user-modals";
import type { User } from "@/lib/api-schemas";
import { fieldError, mockApi, on, renderWithApp, reply, validationProblem } from "@/testing/render";

const roleOptions = [
  { value: "admin", label: "admin" },
  { value: "user", label: "user" },
];

const bob: User = {
  id: 7,
  username: "bob",
  roles: ["user"],
  is_active: true,
  password_change_required: false,
  mfa_enabled: false,
  created_at: "2025-01-01T00:00:00Z",
  last_login_at: null,
};

function dialog(name: string) {
  return within(screen.getByRole("dialog", { name }));
}

describe("CreateUserModal", () => {
  it("posts the new user (trimmed username, default role, flags) and closes", async () => {
    const api = mockApi(
      on("POST", "/users", (call) => reply(201, { ...bob, ...(call.body as object) })),
    );
    const onClose = vi.fn();
    const { user } = renderWithApp(
      <CreateUserModal opened onClose={onClose} roleOptions={roleOptions} />,
    );
    const form = dialog("New user");

    await user.type(form.getByRole("textbox", { name: /username/i }), "  alice ");
    await user.type(form.getByLabelText(/temporary password/i), "correct horse battery");
    await user.click(form.getByRole("switch", { name: "Active" }));
    await user.click(form.getByRole("button", { name: "Create user" }));

    await waitFor(() => expect(onClose).toHaveBeenCalledOnce());
    expect(api.calls).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/users",
        body: {
          username: "alice",
          password: "correct horse battery",
          roles: ["user"],
          is_active: false,
          password_change_required: true,
        },
      }),
    ]);
  });

  it("shows a 422's field errors next to their inputs and the others in the alert", async () => {
    mockApi(
      on(
        "POST",
        "/users",
        validationProblem([
          { loc: ["body", "username"], msg: "Use 3-64 letters, digits, . _ - @" },
          { loc: ["body", "password"], msg: "The password is too short" },
          { loc: ["body", "is_active"], msg: "Input should be a valid boolean" },
        ]),
      ),
    );
    const onClose = vi.fn();
    const { user } = renderWithApp(
      <CreateUserModal opened onClose={onClose} roleOptions={roleOptions} />,
    );
    const form = dialog("New user");

    await user.type(form.getByRole("textbox", { name: /username/i }), "a!");
    await user.type(form.getByLabelText(/temporary password/i), "short");
    await user.click(form.getByRole("button", { name: "Create user" }));

    // Each message is tied to its input (aria-describedby, role=alert) and the input is invalid.
    const username = form.getByRole("textbox", { name: /username/i });
    await waitFor(() => expect(fieldError(username)).toBe("Use 3-64 letters, digits, . _ - @"));
    expect(username.getAttribute("aria-invalid")).toBe("true");
    const password = form.getByLabelText(/temporary password/i);
    expect(fieldError(password)).toBe("The password is too short");
    expect(password.getAttribute("aria-invalid")).toBe("true");

    // The field without an input, and the request id, are in the alert.
    const alert = form.getByRole("alert", { name: "Could not create the user" });
    expect(alert.textContent).toContain("is_active: Input should be a valid boolean");
    expect(alert.textContent).toContain("Request id: req-422");
    expect(alert.textContent).not.toContain("too short");
    expect(onClose).not.toHaveBeenCalled();
  });
});

describe("EditUserModal", () => {
  it("patches the changed username and the roles, picked by typing", async () => {
    const api = mockApi(
      on("PATCH", "/users/7", (call) => reply(200, { ...bob, ...(call.body as object) })),
    );
    const onClose = vi.fn();
    const { user } = renderWithApp(
      <EditUserModal user={bob} onClose={onClose} roleOptions={roleOptions} />,
    );
    const form = dialog("Edit bob");

    const username = form.getByRole("textbox", { name: /username/i });
    expect((username as HTMLInputElement).value).toBe("bob");
    await user.clear(username);
    await user.type(username, "robert");
    // Typing filters the roles and Enter picks the first match (the theme's MultiSelect default).
    await user.type(form.getByLabelText("Roles"), "adm{Enter}");
    await user.click(form.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(onClose).toHaveBeenCalledOnce());
    expect(api.calls).toEqual([
      expect.objectContaining({
        method: "PATCH",
        path: "/users/7",
        body: { username: "robert", roles: ["user", "admin"] },
      }),
    ]);
  });

  it("leaves the username out when it did not change, and shows a 422 on the field", async () => {
    const api = mockApi(
      on(
        "PATCH",
        "/users/7",
        validationProblem([{ loc: ["body", "roles", 0], msg: "Unknown role" }]),
      ),
    );
    const onClose = vi.fn();
    const { user } = renderWithApp(
      <EditUserModal user={bob} onClose={onClose} roleOptions={roleOptions} />,
    );
    const form = dialog("Edit bob");
    await user.click(form.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0]?.body).toEqual({ roles: ["user"] });
    // loc ["body", "roles", 0] is keyed "0", not a field with an input: the alert lists it.
    const alert = await form.findByRole("alert", { name: "Could not save" });
    expect(alert.textContent).toContain("0: Unknown role");
    expect(onClose).not.toHaveBeenCalled();
  });
});
