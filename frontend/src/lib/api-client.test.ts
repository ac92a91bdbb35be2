import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ApiError,
  api,
  apiRequest,
  getAccessToken,
  parseApiError,
  setAccessToken,
} from "@/lib/api-client";

function problemResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function mockFetch(response: Response | (() => Promise<Response>)) {
  const fetchMock = vi.fn<typeof fetch>(() =>
    typeof response === "function" ? response() : Promise.resolve(response),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function sentHeaders(fetchMock: ReturnType<typeof mockFetch>, call = 0): Headers {
  const init = fetchMock.mock.calls[call]?.[1];
  return new Headers(init?.headers);
}

beforeEach(() => setAccessToken(null));
afterEach(() => setAccessToken(null));

describe("parseApiError", () => {
  it("reads status, detail, code and request id from problem+json", async () => {
    const error = await parseApiError(
      problemResponse(401, {
        type: "about:blank",
        title: "Unauthorized",
        status: 401,
        detail: "Bad username or password",
        code: "invalid_credentials",
        request_id: "req-123",
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(401);
    expect(error.title).toBe("Unauthorized");
    expect(error.detail).toBe("Bad username or password");
    expect(error.message).toBe("Bad username or password");
    expect(error.code).toBe("invalid_credentials");
    expect(error.requestId).toBe("req-123");
    expect(error.fieldErrors).toEqual({});
  });

  it("maps validation errors to field errors by the last element of loc", async () => {
    const error = await parseApiError(
      problemResponse(422, {
        title: "Unprocessable Entity",
        status: 422,
        detail: "Validation failed",
        code: "validation_error",
        errors: [
          { loc: ["body", "username"], msg: "String should have at least 3 characters", type: "x" },
          { loc: ["body", "password"], msg: "Field required", type: "missing" },
          { loc: ["body", "password"], msg: "A second message", type: "y" },
          { loc: ["body", "items", 0], msg: "Bad item", type: "z" },
          { loc: [], msg: "no location", type: "w" },
          { msg: "malformed entry" },
        ],
      }),
    );
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual({
      username: "String should have at least 3 characters",
      password: "Field required",
      "0": "Bad item",
    });
  });

  it("falls back to the title when a problem has no detail", async () => {
    const error = await parseApiError(problemResponse(404, { title: "Not Found", status: 404 }));
    expect(error.detail).toBe("Not Found");
    expect(error.code).toBeNull();
  });

  it("handles a non-JSON error body", async () => {
    const error = await parseApiError(
      new Response("<html>Bad gateway</html>", {
        status: 502,
        statusText: "Bad Gateway",
        headers: { "Content-Type": "text/html" },
      }),
    );
    expect(error.status).toBe(502);
    expect(error.detail).toBe("502 Bad Gateway");
    expect(error.problem).toBeNull();
    expect(error.fieldErrors).toEqual({});
  });

  it("handles a problem+json content type with an invalid body", async () => {
    const error = await parseApiError(
      new Response("not json", {
        status: 500,
        headers: { "Content-Type": "application/problem+json" },
      }),
    );
    expect(error.status).toBe(500);
    expect(error.detail).toBe("Request failed with status 500");
  });
});

describe("apiRequest", () => {
  it("keeps the access token in memory only", () => {
    setAccessToken("abc");
    expect(getAccessToken()).toBe("abc");
    setAccessToken(null);
    expect(getAccessToken()).toBeNull();
  });

  it("sends the access token as a Bearer Authorization header", async () => {
    const fetchMock = mockFetch(jsonResponse({ id: 1, username: "alice", roles: [] }));
    setAccessToken("token-1");

    const me = await api.get<{ username: string }>("/auth/me");

    expect(me.username).toBe("alice");
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/v1/auth/me");
    expect(init?.method).toBe("GET");
    expect(init?.credentials).toBe("same-origin");
    expect(sentHeaders(fetchMock).get("Authorization")).toBe("Bearer token-1");
    expect(sentHeaders(fetchMock).get("Accept")).toBe("application/json");
  });

  it("sends no Authorization header without a token", async () => {
    const fetchMock = mockFetch(jsonResponse({ ok: true }));
    await api.get("/auth/me");
    expect(sentHeaders(fetchMock).has("Authorization")).toBe(false);
  });

  it("sends JSON bodies with a JSON content type", async () => {
    const fetchMock = mockFetch(jsonResponse({ access_token: "t" }));
    await api.post("/auth/login", { username: "alice", password: "pw", use_cookie: true });
    const init = fetchMock.mock.calls[0]?.[1];
    expect(init?.method).toBe("POST");
    expect(init?.credentials).toBe("same-origin");
    expect(sentHeaders(fetchMock).get("Content-Type")).toBe("application/json");
    expect(JSON.parse(String(init?.body))).toEqual({
      username: "alice",
      password: "pw",
      use_cookie: true,
    });
  });

  it("adds query parameters, skipping null and undefined", async () => {
    const fetchMock = mockFetch(jsonResponse({ items: [] }));
    await api.get("/users", { query: { page: 2, q: "a b", role: undefined, is_active: null } });
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/api/v1/users?page=2&q=a+b");
  });

  it("resolves to undefined for 204 No Content", async () => {
    mockFetch(new Response(null, { status: 204 }));
    await expect(api.post("/auth/logout")).resolves.toBeUndefined();
  });

  it("rejects with an ApiError parsed from problem+json", async () => {
    mockFetch(
      problemResponse(403, {
        title: "Forbidden",
        status: 403,
        detail: "Change your password first",
        code: "password_change_required",
      }),
    );
    const error = await apiRequest("/users").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect((error as ApiError).code).toBe("password_change_required");
    expect((error as ApiError).detail).toBe("Change your password first");
  });

  it("turns a network failure into an ApiError with status 0", async () => {
    mockFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    const error = await api.get("/auth/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
  });

  it("refuses absolute or protocol-relative paths", async () => {
    const fetchMock = mockFetch(jsonResponse({}));
    await expect(api.get("//evil.example/x")).rejects.toThrow();
    await expect(api.get("https://evil.example/x")).rejects.toThrow();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
