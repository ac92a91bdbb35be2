import {
  DEFAULT_THEME,
  defaultCssVariablesResolver,
  isLightColor,
  mergeMantineTheme,
} from "@mantine/core";
import { describe, expect, test } from "vitest";
import { cssVariablesResolver, SURFACES, TEXT_CONTRAST, theme } from "@/app/theme";
import { themeCss } from "@/app/theme-css";
import { contrastRatio } from "@/lib/contrast";

type Scheme = "light" | "dark";
const full = mergeMantineTheme(DEFAULT_THEME, theme);

/** Every variable as the browser sees it in `scheme`, var() references followed to a #rrggbb. */
function resolved(scheme: Scheme): (name: string) => string {
  const base = defaultCssVariablesResolver(full);
  const extra = cssVariablesResolver(full);
  const all: Record<string, string> = {
    ...base.variables,
    ...extra.variables,
    ...base[scheme],
    ...extra[scheme],
  };
  return function value(name: string): string {
    const raw = all[name];
    if (raw === undefined) throw new Error(`no ${name}`);
    const reference = /^var\((--[\w-]+)\)$/.exec(raw);
    return reference?.[1] ? value(reference[1]) : raw;
  };
}

const COLORS = Object.keys(full.colors).filter((name) => name !== "dark");
const schemes: Scheme[] = ["light", "dark"];

test("theme.css is what the theme generates (npm run gen:theme)", async () => {
  await expect(themeCss()).toMatchFileSnapshot("./theme.css");
});

describe.each(schemes)("text has 4.5:1 in %s", (scheme) => {
  const value = resolved(scheme);
  const surfaces = SURFACES[scheme];
  const onSurfaces = (color: string) =>
    Math.min(...surfaces.map((surface) => contrastRatio(color, surface)));

  test.each([
    "--mantine-color-text",
    "--mantine-color-dimmed",
    "--mantine-color-error",
    "--mantine-color-placeholder",
    "--mantine-color-anchor",
  ])("%s on every surface", (name) => {
    expect(onSurfaces(value(name))).toBeGreaterThanOrEqual(TEXT_CONTRAST);
  });

  test.each(COLORS)("%s: text, outline, light and subtle variants", (color) => {
    const v = (suffix: string) => value(`--mantine-color-${color}-${suffix}`);
    expect(onSurfaces(v("text"))).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    expect(onSurfaces(v("outline"))).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    expect(onSurfaces(v("light-color"))).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    for (const background of [v("light"), v("light-hover")]) {
      // Mantine writes the dark scheme's light backgrounds as rgba(); they are opaque.
      const hex = background.startsWith("rgba(") ? rgbaToHex(background) : background;
      expect(contrastRatio(v("light-color"), hex)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    }
  });

  test.each(COLORS)("%s: filled and hovered, with the label autoContrast picks", (color) => {
    const filled = value(`--mantine-color-${color}-filled`);
    const label = isLightColor(filled, full.luminanceThreshold) ? "#000000" : "#ffffff";
    expect(contrastRatio(filled, label)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    const hover = value(`--mantine-color-${color}-filled-hover`);
    expect(contrastRatio(hover, label)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
  });
});

function rgbaToHex(rgba: string): string {
  const parts = /^rgba\((\d+), (\d+), (\d+), 1\)$/.exec(rgba);
  if (!parts) throw new Error(`not an opaque rgba(): ${rgba}`);
  return `#${parts
    .slice(1)
    .map((part) => Number(part).toString(16).padStart(2, "0"))
    .join("")}`;
}
