/**
 * List pages keep their filters, sort and page in the address bar (so a reload, a
 * shared link and the back button all keep them). These helpers turn the URL's search
 * params into API query values and back.
 */

export type FilterValues<K extends string> = Partial<Record<K, string>>;

/** The listed keys' non-empty values from the URL. */
export function readFilters<K extends string>(
  params: URLSearchParams,
  keys: readonly K[],
): FilterValues<K> {
  const values: FilterValues<K> = {};
  for (const key of keys) {
    const value = params.get(key)?.trim();
    if (value) values[key] = value;
  }
  return values;
}

/**
 * A copy of `params` with `changes` applied: empty, null or undefined values remove the
 * key. Any change other than to `page` itself goes back to page 1.
 */
export function updateParams(
  params: URLSearchParams,
  changes: Record<string, string | number | null | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, raw] of Object.entries(changes)) {
    const value = raw === null || raw === undefined ? "" : String(raw).trim();
    if (value === "") next.delete(key);
    else next.set(key, value);
  }
  if (!("page" in changes)) next.delete("page");
  if (next.get("page") === "1") next.delete("page");
  return next;
}

/** A positive page number from the URL's `name` parameter (1 when missing or invalid). */
export function readPage(params: URLSearchParams, name = "page"): number {
  const page = Number(params.get(name));
  return Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
}

export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** `<input type="datetime-local">` value (local time) to an ISO 8601 UTC string. */
export function localToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An ISO timestamp to the `YYYY-MM-DDTHH:mm` local-time value a datetime-local input takes. */
export function isoToLocal(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** Sort param `-field` / `field` split into field and direction. */
export function parseSort(
  sort: string | undefined,
  fallback: string,
): { field: string; desc: boolean } {
  const value = sort || fallback;
  return value.startsWith("-")
    ? { field: value.slice(1), desc: true }
    : { field: value, desc: false };
}

/** Clicking a column header: same field flips the direction, a new field starts descending. */
export function toggleSort(current: string | undefined, fallback: string, field: string): string {
  const { field: currentField, desc } = parseSort(current, fallback);
  if (currentField === field) return desc ? field : `-${field}`;
  return `-${field}`;
}
