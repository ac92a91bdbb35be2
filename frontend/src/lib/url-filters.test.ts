import { describe, expect, it } from "vitest";
import { toSearch } from "@/lib/api-client";
import {
  isoToLocal,
  localToIso,
  pageCount,
  parseSort,
  readFilters,
  readPage,
  toggleSort,
  updateParams,
} from "@/lib/url-filters";

describe("url filters", () => {
  it("reads only listed, non-empty, trimmed values", () => {
    const params = new URLSearchParams("q=%20al%20&role=&other=x&sort=-created_at");
    expect(readFilters(params, ["q", "role", "sort"] as const)).toEqual({
      q: "al",
      sort: "-created_at",
    });
  });

  it("updates params, drops empty values and resets the page on filter changes", () => {
    const params = new URLSearchParams("q=a&page=3&role=admin");
    expect(updateParams(params, { q: "b", role: "" }).toString()).toBe("q=b");
    expect(updateParams(params, { page: 4 }).toString()).toBe("q=a&page=4&role=admin");
    expect(updateParams(params, { page: 1 }).toString()).toBe("q=a&role=admin");
    expect(updateParams(params, { role: null }).toString()).toBe("q=a");
    // the original is not modified
    expect(params.toString()).toBe("q=a&page=3&role=admin");
  });

  it("reads a valid page or 1", () => {
    expect(readPage(new URLSearchParams("page=2"))).toBe(2);
    for (const bad of ["", "page=0", "page=-1", "page=1.5", "page=abc", "page=99999999"]) {
      expect(readPage(new URLSearchParams(bad))).toBe(1);
    }
  });

  it("counts pages", () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(20, 20)).toBe(1);
    expect(pageCount(21, 20)).toBe(2);
  });

  it("parses and toggles sorts", () => {
    expect(parseSort(undefined, "-timestamp")).toEqual({ field: "timestamp", desc: true });
    expect(parseSort("username", "-timestamp")).toEqual({ field: "username", desc: false });
    expect(toggleSort(undefined, "-timestamp", "timestamp")).toBe("timestamp");
    expect(toggleSort("timestamp", "-timestamp", "timestamp")).toBe("-timestamp");
    expect(toggleSort("timestamp", "-timestamp", "status")).toBe("-status");
  });

  it("converts datetime-local values to ISO and back", () => {
    expect(localToIso(undefined)).toBeUndefined();
    expect(localToIso("not a date")).toBeUndefined();
    const iso = localToIso("2024-05-06T07:08");
    expect(iso).toBe(new Date(2024, 4, 6, 7, 8).toISOString());
    expect(isoToLocal(iso)).toBe("2024-05-06T07:08");
    expect(isoToLocal("garbage")).toBe("");
  });

  it("builds query strings without empty values", () => {
    expect(toSearch(undefined)).toBe("");
    expect(toSearch({ a: "", b: null, c: undefined })).toBe("");
    expect(toSearch({ q: "a b&c", is_active: false, page: 2 })).toBe(
      "?q=a+b%26c&is_active=false&page=2",
    );
  });
});
