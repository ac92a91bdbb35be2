const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** A timestamp in the user's locale and time zone; "—" for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat().format(n);
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/** The largest unit that fits a difference in seconds, rounded: `[-3, "minute"]`. */
export function relativeParts(seconds: number): [number, Intl.RelativeTimeFormatUnit] {
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) return [Math.round(seconds / size), unit];
  }
  return [Math.round(seconds), "second"];
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** A timestamp relative to `now` ("in 5 minutes", "2 hours ago"); "—" for none. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  return relative.format(...relativeParts((time - now) / 1000));
}
