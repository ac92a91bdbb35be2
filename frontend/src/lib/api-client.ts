/**
 * A small fetch wrapper for the JSON API under /api/v1.
 *
 * The access token lives only in this module's memory (never in localStorage or
 * sessionStorage): a page reload forgets it. The refresh token is an HttpOnly cookie
 * the server scopes to /api/v1/auth, which is why requests use
 * `credentials: "same-origin"`.
 */

export const API_BASE = "/api/v1";

let accessToken: string | null = null;

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

/** One entry of a problem's `errors` list (validation failures only). */
export type ProblemFieldError = {
  loc: (string | number)[];
  msg: string;
  type: string;
};

/** An RFC 9457 `application/problem+json` body as this API sends it. */
export type Problem = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string;
  errors?: ProblemFieldError[];
};

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
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, fallbackDetail?: string) {
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
    const { loc, msg } = error as Partial<ProblemFieldError>;
    if (!Array.isArray(loc) || loc.length === 0 || typeof msg !== "string") continue;
    const field = String(loc[loc.length - 1]);
    // Keep the first message for a field: it is usually the most relevant one.
    if (!(field in fieldErrors)) fieldErrors[field] = msg;
  }
  return fieldErrors;
}

function isProblem(value: unknown): value is Problem {
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

export type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Serialized as JSON. */
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

function buildUrl(path: string, query: RequestOptions["query"]): string {
  if (!path.startsWith("/") || path.startsWith("//")) {
    throw new Error(`API paths are relative to ${API_BASE} and start with one "/": ${path}`);
  }
  let url = `${API_BASE}${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== null && value !== undefined) params.append(key, String(value));
    }
    const search = params.toString();
    if (search) url += `?${search}`;
  }
  return url;
}

/**
 * Call the API. `path` is relative to /api/v1 (e.g. "/auth/me"). Resolves with the
 * parsed JSON body (undefined for 204 or an empty body); rejects with ApiError.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", body, query, signal } = options;
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;

  const url = buildUrl(path, query);
  let response: Response;
  try {
    response = await fetch(url, {
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

  if (!response.ok) throw await parseApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
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
