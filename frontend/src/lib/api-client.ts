/**
 * A small fetch wrapper for the JSON API under /api/v1.
 *
 * The access token lives only in this module's memory (never in localStorage or
 * sessionStorage): a page reload forgets it, and the app gets a new one with
 * `refreshAccessToken()`, which sends the HttpOnly refresh cookie the server scopes to
 * /api/v1/auth (hence `credentials: "same-origin"` on every request).
 *
 * A request that answers 401 while we hold an access token (expired, blocked, revoked)
 * is retried once after a refresh. When the refresh fails too, the login is gone: the
 * token is forgotten and a `session-ended` event tells the app to show the login page.
 * A 403 `password_change_required` emits `password-change-required`.
 */

import type { FieldError, Problem, TokenResponse } from "@/lib/api-schemas";

export const API_BASE = "/api/v1";

/** How long to wait before retrying a refresh that another tab just won. */
export const ROTATED_RETRY_DELAY_MS = 250;

let accessToken: string | null = null;

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

/**
 * The problem body as a response may carry it: the API's `Problem` (generated) with any field
 * missing, since a proxy or an older server can answer with a partial problem+json body.
 */
type ProblemBody = Partial<Problem>;

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** HTTP status; 0 when the request never got a response (network error). */
  readonly status: number;
  readonly title: string;
  /** A human-readable explanation, safe to show to the user as text. */
  readonly detail: string;
  /** The API's machine-readable error code, e.g. "password_change_required". */
  readonly code: string | null;
  readonly requestId: string | null;
  /** Validation messages keyed by the last element of each error's `loc`. */
  readonly fieldErrors: Record<string, string>;
  readonly problem: ProblemBody | null;

  constructor(status: number, problem: ProblemBody | null, fallbackDetail?: string) {
    const title = problem?.title ?? (status ? `HTTP ${status}` : "Network error");
    const detail = problem?.detail ?? problem?.title ?? fallbackDetail ?? title;
    super(detail);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.code = problem?.code ?? null;
    this.requestId = problem?.request_id ?? null;
    this.fieldErrors = toFieldErrors(problem?.errors);
    this.problem = problem;
  }
}

function toFieldErrors(errors: unknown): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  if (!Array.isArray(errors)) return fieldErrors;
  for (const error of errors) {
    if (typeof error !== "object" || error === null) continue;
    const { loc, msg } = error as Partial<FieldError>;
    if (!Array.isArray(loc) || loc.length === 0 || typeof msg !== "string") continue;
    const field = String(loc[loc.length - 1]);
    // Keep the first message for a field: it is usually the most relevant one.
    if (!(field in fieldErrors)) fieldErrors[field] = msg;
  }
  return fieldErrors;
}

function isProblem(value: unknown): value is ProblemBody {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Build an ApiError from a non-2xx response, reading its problem+json body if any. */
export async function parseApiError(response: Response): Promise<ApiError> {
  const contentType = response.headers.get("content-type") ?? "";
  const fallback = response.statusText
    ? `${response.status} ${response.statusText}`
    : `Request failed with status ${response.status}`;
  if (/^application\/(problem\+)?json\b/i.test(contentType)) {
    try {
      const body: unknown = await response.json();
      if (isProblem(body)) {
        return new ApiError(response.status, body, fallback);
      }
    } catch {
      // Not valid JSON: fall through to a generic error.
    }
  }
  return new ApiError(response.status, null, fallback);
}

// --- auth events -------------------------------------------------------------------

export type AuthEvent =
  | { type: "session-ended"; reason: string }
  | { type: "password-change-required" };

const listeners = new Set<(event: AuthEvent) => void>();

/** Subscribe to session events; returns the unsubscribe function. */
export function onAuthEvent(listener: (event: AuthEvent) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function emit(event: AuthEvent): void {
  for (const listener of [...listeners]) listener(event);
}

// --- requests ----------------------------------------------------------------------

export type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Serialized as JSON. */
  body?: unknown;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/** `?a=1&b=x` from an object, skipping null, undefined and empty strings ("" when none). */
export function toSearch(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    params.append(key, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : "";
}

export function buildUrl(path: string, query?: RequestOptions["query"]): string {
  if (!path.startsWith("/") || path.startsWith("//")) {
    throw new Error(`API paths are relative to ${API_BASE} and start with one "/": ${path}`);
  }
  return `${API_BASE}${path}${toSearch(query)}`;
}

/** Routes whose 401 means "bad credentials", not "your access token has expired". */
const NO_REFRESH = new Set(["/auth/login", "/auth/refresh", "/auth/logout"]);

async function send(path: string, options: RequestOptions): Promise<Response> {
  const { method = "GET", body, query, signal } = options;
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const url = buildUrl(path, query);
  try {
    return await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, null, "Could not reach the server.");
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let refreshing: Promise<TokenResponse> | null = null;

async function doRefresh(): Promise<TokenResponse> {
  for (let attempt = 0; ; attempt++) {
    const response = await send("/auth/refresh", { method: "POST" });
    if (response.ok) {
      const data = (await response.json()) as TokenResponse;
      setAccessToken(data.access_token);
      return data;
    }
    const error = await parseApiError(response);
    // Another tab rotated the cookie a moment ago: the browser now holds the new one.
    if (error.code === "refresh_token_rotated" && attempt === 0) {
      await delay(ROTATED_RETRY_DELAY_MS);
      continue;
    }
    setAccessToken(null);
    throw error;
  }
}

/**
 * Get a new access token with the refresh cookie. Concurrent callers share one request
 * (the server accepts each refresh token once). Rejects with ApiError when the login is
 * gone; the access token is then forgotten.
 */
export function refreshAccessToken(): Promise<TokenResponse> {
  if (!refreshing) {
    refreshing = doRefresh().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/** Like fetch for an API path, with the Bearer token and one refresh-and-retry on 401. */
async function authedFetch(path: string, options: RequestOptions): Promise<Response> {
  const sentToken = getAccessToken();
  let response = await send(path, options);
  if (response.status === 401 && sentToken !== null && !NO_REFRESH.has(path)) {
    const original = await parseApiError(response);
    const current = getAccessToken();
    if (current === null || current === sentToken) {
      try {
        await refreshAccessToken();
      } catch {
        setAccessToken(null);
        emit({ type: "session-ended", reason: original.detail });
        throw original;
      }
    }
    response = await send(path, options);
  }
  if (!response.ok) {
    const error = await parseApiError(response);
    if (error.status === 403 && error.code === "password_change_required") {
      emit({ type: "password-change-required" });
    }
    throw error;
  }
  return response;
}

/**
 * Call the API. `path` is relative to /api/v1 (e.g. "/auth/me"). Resolves with the
 * parsed JSON body (undefined for 204 or an empty body); rejects with ApiError.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await authedFetch(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Download a file (e.g. a CSV export) with the Bearer token; the name from Content-Disposition. */
export async function apiDownload(
  path: string,
  options: Omit<RequestOptions, "method" | "body"> = {},
): Promise<{ blob: Blob; filename: string | null }> {
  const response = await authedFetch(path, {
    ...options,
    method: "GET",
    headers: { Accept: "*/*" },
  });
  const blob = await response.blob();
  return { blob, filename: filenameFromDisposition(response.headers.get("content-disposition")) };
}

export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  const name = plain?.[2] ?? plain?.[1];
  return name ? name.trim() : null;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "GET" }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "POST", body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "PUT", body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "PATCH", body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "DELETE" }),
};
