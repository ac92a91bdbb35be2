import { describe, expect, it } from "vitest";
import { summarize, verbOf } from "@/features/audit-trail/components/describe-event";

describe("describing an audit event", () => {
  it("says what an action did, and shows an unknown action as it is", () => {
    expect(verbOf("user.password_reset")).toBe("reset the password of");
    expect(verbOf("widget.polish")).toBe("widget.polish");
  });

  it("reads changes as from → to, with yes/no and lists", () => {
    const changes = {
      roles: { from: ["user"], to: ["admin", "user"] },
      is_active: { from: true, to: false },
    };
    expect(summarize({ changes })).toBe("roles: user → admin, user; active: yes → no");
  });

  it("lists other details by name", () => {
    expect(summarize({ logins_ended: 2 })).toBe("logins ended: 2");
    expect(summarize({ username: "", ip: "198.51.100.7" })).toBe("username: —; ip: 198.51.100.7");
    expect(summarize({})).toBe("");
  });
});
