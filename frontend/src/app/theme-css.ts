import {
  type ConvertCSSVariablesInput,
  DEFAULT_THEME,
  defaultCssVariablesResolver,
  mergeMantineTheme,
} from "@mantine/core";
import { cssVariablesResolver, theme } from "@/app/theme";

type Variables = Record<string, string>;

/** The CSS variables of the theme (Mantine's own, then the resolver's) that @mantine/core/styles.css lacks. */
export function themeVariables(): ConvertCSSVariablesInput {
  const full = mergeMantineTheme(DEFAULT_THEME, theme);
  const ours = defaultCssVariablesResolver(full);
  const extra = cssVariablesResolver(full);
  const defaults = defaultCssVariablesResolver(DEFAULT_THEME);
  const changed = (mine: Variables, base: Variables): Variables =>
    Object.fromEntries(Object.entries(mine).filter(([key, value]) => base[key] !== value));
  return {
    variables: changed({ ...ours.variables, ...extra.variables }, defaults.variables),
    light: changed({ ...ours.light, ...extra.light }, defaults.light),
    dark: changed({ ...ours.dark, ...extra.dark }, defaults.dark),
  };
}

function block(selector: string, variables: Variables): string {
  const lines = Object.entries(variables).map(([key, value]) => `  ${key}: ${value};`);
  return lines.length ? `${selector} {\n${lines.join("\n")}\n}\n` : "";
}

/**
 * theme.css: MantineProvider would inject these variables in a <style> element, which the
 * strict CSP blocks (withCssVariables={false}), so they ship as a static stylesheet instead.
 */
export function themeCss(): string {
  const { variables, light, dark } = themeVariables();
  return [
    "/* Generated from src/app/theme.ts by `npm run gen:theme`; do not edit (theme.test.ts checks it). */\n",
    block(":root", variables),
    block(':root[data-mantine-color-scheme="light"]', light),
    block(':root[data-mantine-color-scheme="dark"]', dark),
  ]
    .filter(Boolean)
    .join("\n");
}
