import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ApiError,
  type AuthEvent,
  api,
  apiDownload,
  filenameFromDisposition,
  getAccessToken,
  onAuthEvent,
  refreshAccessToken,
  setAccessToken,
} from "@/lib/api-client";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

function problem(status: number, code: string, detail = code): Response {
  return json({ title: "x", status, detail, code }, status);
}

type Handler = (url: string, init: RequestInit | undefined) => Response;

/** A fake server: each call is answered by the next handler in order. */
function serve(...handlers: Handler[]) {
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const handler = handlers.shift();
    if (!handler) throw new Error(`unexpected request ${String(input)}`);
    return handler(String(input), init);
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function authHeader(init: RequestInit | undefined): string | null {
  return new Headers(init?.headers).get("Authorization");
}

let events: AuthEvent[] = [];
let unsubscribe: () => void = () => {};

beforeEach(() => {
  setAccessToken(null);
  events = [];
  unsubscribe = onAuthEvent((event) => events.push(event));
});
afterEach(() => {
  unsubscribe();
  setAccessToken(null);
  vi.useRealTimers();
});

describe("refresh and retry", () => {
  it("refreshes once on a 401 and retries the request with the new token", async () => {
    setAccessToken("old");
    const fetchMock = serve(
      (url, init) => {
        expect(url).toBe("/api/v1/users");
        expect(authHeader(init)).toBe("Bearer old");
        return problem(401, "token_expired");
      },
      (url, init) => {
        expect(url).toBe("/api/v1/auth/refresh");
        expect(init?.method).toBe("POST");
        expect(init?.credentials).toBe("same-origin");
        expect(init?.body).toBeUndefined();
        return json({ access_token: "new", password_change_required: false });
      },
      (_url, init) => {
        expect(authHeader(init)).toBe("Bearer new");
        return json({ items: [] });
      },
    );
    await expect(api.get("/users")).resolves.toEqual({ items: [] });
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(getAccessToken()).toBe("new");
    expect(events).toEqual([]);
  });

  it("ends the session with the original reason when the refresh fails", async () => {
    setAccessToken("old");
    serve(
      () => problem(401, "token_blocked", "This login has been blocked"),
      () => problem(401, "token_blocked", "This login has been blocked"),
    );
    const error = await api.get("/users").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("token_blocked");
    expect(getAccessToken()).toBeNull();
    expect(events).toEqual([{ type: "session-ended", reason: "This login has been blocked" }]);
  });

  it("does not refresh without a token, nor for login", async () => {
    const fetchMock = serve(
      () => problem(401, "token_invalid"),
      () => problem(401, "invalid_credentials"),
    );
    await expect(api.get("/users")).rejects.toBeInstanceOf(ApiError);
    setAccessToken("t");
    await expect(api.post("/auth/login", { username: "a", password: "b" })).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(events).toEqual([]);
  });

  it("shares one refresh between concurrent 401s", async () => {
    setAccessToken("old");
    let refreshes = 0;
    const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
      const url = String(input);
      if (url.endsWith("/auth/refresh")) {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return json({ access_token: "new", password_change_required: false });
      }
      return authHeader(init) === "Bearer new" ? json({ ok: url }) : problem(401, "token_expired");
    });
    vi.stubGlobal("fetch", fetchMock);
    const results = await Promise.all([api.get("/a"), api.get("/b"), api.get("/c")]);
    expect(results).toEqual([{ ok: "/api/v1/a" }, { ok: "/api/v1/b" }, { ok: "/api/v1/c" }]);
    expect(refreshes).toBe(1);
  });

  it("retries a refresh once after refresh_token_rotated (another tab won)", async () => {
    vi.useFakeTimers();
    const fetchMock = serve(
      () => problem(401, "refresh_token_rotated"),
      () => json({ access_token: "from-new-cookie", password_change_required: false }),
    );
    const pending = refreshAccessToken();
    await vi.runAllTimersAsync();
    await expect(pending).resolves.toMatchObject({ access_token: "from-new-cookie" });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(getAccessToken()).toBe("from-new-cookie");
  });

  it("gives up after a second refresh_token_rotated, and on other refresh errors", async () => {
    vi.useFakeTimers();
    serve(
      () => problem(401, "refresh_token_rotated"),
      () => problem(401, "refresh_token_rotated"),
      () => problem(401, "refresh_token_reused"),
    );
    const first = refreshAccessToken().catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await first).toMatchObject({ code: "refresh_token_rotated" });
    await expect(refreshAccessToken()).rejects.toMatchObject({ code: "refresh_token_reused" });
    expect(getAccessToken()).toBeNull();
  });

  it("emits password-change-required on that 403", async () => {
    setAccessToken("t");
    serve(() => problem(403, "password_change_required"));
    await expect(api.get("/users")).rejects.toMatchObject({ status: 403 });
    expect(events).toEqual([{ type: "password-change-required" }]);
  });

  it("does not emit for other 403s", async () => {
    setAccessToken("t");
    serve(() => problem(403, "forbidden"));
    await expect(api.get("/users")).rejects.toMatchObject({ status: 403 });
    expect(events).toEqual([]);
  });
});

describe("apiDownload", () => {
  it("fetches with the Bearer token and returns the blob and file name", async () => {
    setAccessToken("t");
    const fetchMock = serve((url, init) => {
      expect(url).toBe("/api/v1/access-log/export?status=4xx&path=%2Fapi");
      expect(authHeader(init)).toBe("Bearer t");
      return new Response("id,timestamp\n1,x\n", {
        headers: {
          "Content-Type": "text/csv",
          "Content-Disposition": 'attachment; filename="access-log.csv"',
        },
      });
    });
    const { blob, filename } = await apiDownload("/access-log/export", {
      query: { status: "4xx", path: "/api", username: undefined, ip: "" },
    });
    expect(await blob.text()).toBe("id,timestamp\n1,x\n");
    expect(filename).toBe("access-log.csv");
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("reads file names from Content-Disposition", () => {
    expect(filenameFromDisposition(null)).toBeNull();
    expect(filenameFromDisposition("attachment")).toBeNull();
    expect(filenameFromDisposition("attachment; filename=log.csv")).toBe("log.csv");
    expect(filenameFromDisposition("attachment; filename*=UTF-8''l%C3%B6g.csv")).toBe("lög.csv");
  });
});
