import { describe, expect, it } from "vitest";
import { niceMax } from "@/components/charts/stacked-bar-chart";
import { tokenState } from "@/components/tokens-table";
import { accessLogFilters, accessLogQuery } from "@/features/access-log/api/access-log";
import { otherActiveTokens } from "@/features/auth/api/my-tokens";
import { fillBuckets, statsQuery } from "@/features/dashboard/api/get-stats";
import { lockoutsQuery } from "@/features/lockouts/api/get-lockouts";
import { liftConsequence, lockoutSubject } from "@/features/lockouts/components/lockouts-list";
import { userListQuery } from "@/features/users/api/users";
import type { Token } from "@/lib/api-schemas";

describe("list queries from the URL", () => {
  it("users: filters, sort default, page and is_active as a boolean", () => {
    expect(userListQuery(new URLSearchParams(""))).toEqual({
      q: undefined,
      role: undefined,
      is_active: undefined,
      sort: "username",
      page: 1,
      per_page: 20,
    });
    expect(
      userListQuery(
        new URLSearchParams("q=bo&role=admin&is_active=false&sort=-last_login_at&page=2"),
      ),
    ).toMatchObject({ q: "bo", role: "admin", is_active: false, sort: "-last_login_at", page: 2 });
    expect(userListQuery(new URLSearchParams("is_active=yes")).is_active).toBeUndefined();
  });

  it("access log: normalizes method and status; export takes only the filters", () => {
    const params = new URLSearchParams(
      "method=get&status=4XX&path=/api/v1&since=2024-01-01T00:00:00.000Z&sort=status&page=3",
    );
    expect(accessLogFilters(params)).toEqual({
      username: undefined,
      method: "GET",
      status: "4xx",
      path: "/api/v1",
      ip: undefined,
      since: "2024-01-01T00:00:00.000Z",
      until: undefined,
    });
    expect(accessLogQuery(params)).toMatchObject({ sort: "status", page: 3, per_page: 50 });
    expect(accessLogQuery(new URLSearchParams()).sort).toBe("-timestamp");
  });

  it("lockouts: exact username and address, the longest lockout first by default", () => {
    expect(lockoutsQuery(new URLSearchParams(""))).toEqual({
      username: undefined,
      ip: undefined,
      sort: "-locked_until",
      page: 1,
      per_page: 20,
    });
    expect(
      lockoutsQuery(new URLSearchParams("username=%20bob%20&ip=198.51.100.7&sort=failures&page=2")),
    ).toEqual({ username: "bob", ip: "198.51.100.7", sort: "failures", page: 2, per_page: 20 });
  });

  it("stats: a range ending at the next full minute with a fitting bucket", () => {
    const now = new Date("2024-03-01T10:15:30Z");
    expect(statsQuery("1h", now)).toEqual({
      since: "2024-03-01T09:16:00.000Z",
      until: "2024-03-01T10:16:00.000Z",
      bucket: "minute",
    });
    expect(statsQuery("30d", now).bucket).toBe("day");
  });
});

function token(overrides: Partial<Token>): Token {
  return {
    id: "t",
    created_at: "2024-01-01T00:00:00Z",
    last_used_at: null,
    expires_at: "2999-01-01T00:00:00Z",
    ip: "127.0.0.1",
    user_agent: "ua",
    blocked: false,
    revoked_at: null,
    revoked_reason: null,
    state: "active",
    current: false,
    ...overrides,
  };
}

describe("tokens", () => {
  it("other active logins exclude the current one and dead ones", () => {
    const tokens = [
      token({ id: "a", current: true }),
      token({ id: "b" }),
      token({ id: "c", state: "revoked", revoked_reason: "logout" }),
      token({ id: "d", state: "blocked", blocked: true }),
    ];
    expect(otherActiveTokens(tokens).map((t) => t.id)).toEqual(["b"]);
  });

  it("labels states with the revocation reason", () => {
    expect(tokenState(token({ state: "revoked", revoked_reason: "admin" })).label).toBe(
      "revoked (admin)",
    );
    expect(tokenState(token({ state: "blocked" })).color).toBe("red");
  });
});

describe("charts", () => {
  it("rounds axis maxima up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(12)).toBe(20);
    expect(niceMax(100)).toBe(100);
    expect(niceMax(101)).toBe(200);
  });
});

describe("stats buckets", () => {
  it("fills empty buckets with zeros between since and until", () => {
    const filled = fillBuckets(
      [{ start: "2024-03-01T10:00:00Z", counts: { "2xx": 3 } }],
      "2024-03-01T08:30:00.000Z",
      "2024-03-01T11:30:00.000Z",
      "hour",
    );
    expect(filled.map((b) => b.start)).toEqual([
      "2024-03-01T08:00:00.000Z",
      "2024-03-01T09:00:00.000Z",
      "2024-03-01T10:00:00Z",
      "2024-03-01T11:00:00.000Z",
    ]);
    expect(filled[2]?.counts).toEqual({ "2xx": 3 });
    expect(filled[0]?.counts).toEqual({});
  });
});

describe("lockouts", () => {
  it("names who a lockout refuses; null is any username or any address", () => {
    expect(lockoutSubject({ username: "alice", ip: "198.51.100.7" })).toEqual({
      username: "alice",
      address: "198.51.100.7",
      text: "alice at 198.51.100.7",
    });
    expect(lockoutSubject({ username: null, ip: "198.51.100.7" }).text).toBe(
      "any username at 198.51.100.7",
    );
    expect(lockoutSubject({ username: "alice", ip: null }).text).toBe("alice at any address");
  });

  it("says what lifting allows", () => {
    expect(liftConsequence({ username: "alice", ip: "198.51.100.7" })).toBe(
      "alice may try to sign in from 198.51.100.7 again at once.",
    );
    expect(liftConsequence({ username: "alice", ip: null })).toContain("from any address");
    expect(liftConsequence({ username: null, ip: "198.51.100.7" })).toContain("for any username");
  });
});
