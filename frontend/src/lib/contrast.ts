/** WCAG 2.x colour contrast of opaque #rrggbb (or #rgb) colours, and nudging a colour until it is enough. */

function channels(color: string): [number, number, number] {
  const hex = /^#[0-9a-f]{3}$/i.test(color)
    ? `#${[...color.slice(1)].map((c) => c + c).join("")}`
    : color;
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [
    Number.parseInt(match[1] ?? "", 16),
    Number.parseInt(match[2] ?? "", 16),
    Number.parseInt(match[3] ?? "", 16),
  ];
}

function toHex(rgb: [number, number, number]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** Relative luminance (WCAG 2.x, sRGB). */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `hex` mixed with `toward` (#000000 darkens, #ffffff lightens) by `amount` (0 to 1). */
export function mix(hex: string, toward: string, amount: number): string {
  const from = channels(hex);
  const to = channels(toward);
  return toHex(from.map((c, i) => c + ((to[i] ?? 0) - c) * amount) as [number, number, number]);
}

/**
 * `hex` itself when it has at least `minimum` contrast against every background; otherwise
 * the least mix of it toward black (on light backgrounds) or white (on dark ones) that has.
 */
export function readable(hex: string, backgrounds: string[], minimum: number): string {
  const lightBackgrounds = backgrounds.every((bg) => luminance(bg) > luminance(hex));
  const toward = lightBackgrounds ? "#000000" : "#ffffff";
  for (let step = 0; step <= 100; step++) {
    const candidate = mix(hex, toward, step / 100);
    if (backgrounds.every((bg) => contrastRatio(candidate, bg) >= minimum)) return candidate;
  }
  throw new Error(`no readable variant of ${hex} on ${backgrounds.join(", ")}`);
}
