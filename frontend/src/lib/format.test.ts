import { describe, expect, it } from "vitest";
import { formatRelative, relativeParts } from "@/lib/format";

describe("relative times", () => {
  it("picks the largest unit that fits and rounds", () => {
    expect(relativeParts(0)).toEqual([0, "second"]);
    expect(relativeParts(25.4)).toEqual([25, "second"]);
    expect(relativeParts(-59)).toEqual([-59, "second"]);
    expect(relativeParts(90)).toEqual([2, "minute"]);
    expect(relativeParts(-14 * 60)).toEqual([-14, "minute"]);
    expect(relativeParts(3 * 3600 + 1200)).toEqual([3, "hour"]);
    expect(relativeParts(2 * 86_400)).toEqual([2, "day"]);
  });

  it("formats relative to now, and passes missing or invalid values through", () => {
    const now = Date.parse("2024-03-01T10:00:00Z");
    const expected = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(
      5,
      "minute",
    );
    expect(formatRelative("2024-03-01T10:05:00Z", now)).toBe(expected);
    expect(formatRelative(null, now)).toBe("—");
    expect(formatRelative("garbage", now)).toBe("garbage");
  });
});
