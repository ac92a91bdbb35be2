import {
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  type InputErrorProps,
  type MantineColorsTuple,
  type MenuProps,
  type MultiSelectProps,
  type PaginationProps,
  type PasswordInputProps,
  type SelectProps,
} from "@mantine/core";
import { contrastRatio, luminance, mix, readable } from "@/lib/contrast";

/** WCAG 2.1 AA (1.4.3): normal-size text needs 4.5:1 against what it is drawn on. */
export const TEXT_CONTRAST = 4.5;

/**
 * The luminance up to which white text has 4.5:1 on a colour ((1 + 0.05) / (L + 0.05));
 * above it black text has more than that ((L + 0.05) / 0.05 >= 4.67).
 */
export const WHITE_TEXT_MAX_LUMINANCE = 1.05 / TEXT_CONTRAST - 0.05;

const colors = DEFAULT_THEME.colors;
const gray = colors.gray;
const dark = colors.dark;

/**
 * What text is drawn on, besides a colour's own light background: page, cards and modals;
 * striped table rows; hovered rows and focused menu items (and, in dark, dropdowns).
 */
export const SURFACES = {
  light: [DEFAULT_THEME.white, gray[0], gray[1]],
  dark: [dark[7], dark[6], dark[5], dark[4]],
};

/** A component's theme entry that sets default props, typed by the component's props. */
function defaults<Props>(defaultProps: Partial<Props>) {
  return { defaultProps };
}

/**
 * Filled buttons and badges use shade 8 in both schemes (Mantine: 6 in light), and
 * `autoContrast` writes black instead of white on the colours too light for white text, so
 * either way the label has 4.5:1.
 */
export const theme = createTheme({
  primaryColor: "blue",
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  luminanceThreshold: WHITE_TEXT_MAX_LUMINANCE,
  // Modals, menus and dropdowns appear at once for people who ask for reduced motion.
  respectReducedMotion: true,
  // Plain objects rather than `Menu.extend(...)`: importing a component for its `extend` would
  // put it (Menu, Select, Pagination and their floating-ui) into the first chunk every page
  // loads, the login page's included. `defaults` keeps the props typed as `extend` would.
  components: {
    // Field errors are announced when they appear (aria-describedby ties them to the field).
    InputError: defaults<InputErrorProps>({ role: "alert" }),
    Menu: defaults<MenuProps>({
      // Tab and Shift+Tab move between the items too (not only the arrow keys); focus
      // starts on the first item instead of a placeholder, which is no menu item (axe:
      // aria-required-children).
      menuItemTabIndex: 0,
      withInitialFocusPlaceholder: false,
    }),
    // Typing filters the options and Enter picks the first match, without the arrow keys.
    MultiSelect: defaults<MultiSelectProps>({ selectFirstOptionOnChange: true }),
    // A clearable select's × is a named button in the tab order (Mantine hides it from both).
    Select: defaults<SelectProps>({
      clearButtonProps: { "aria-label": "Clear", "aria-hidden": false, tabIndex: 0 },
    }),
    // "Toggle password visibility" is reachable with Tab, not only with a pointer.
    PasswordInput: defaults<PasswordInputProps>({ visibilityToggleFocusable: true }),
    Pagination: defaults<PaginationProps>({
      getItemProps: (page: number) => ({ "aria-label": `Page ${page}` }),
      getControlProps: (control: "first" | "previous" | "last" | "next") => ({
        "aria-label": `${control[0]?.toUpperCase()}${control.slice(1)} page`,
      }),
    }),
  },
});

type Scheme = "light" | "dark";
type ColorVariables = Record<string, string>;

/**
 * A colour's light variant (badges, alerts, subtle buttons), outline variant and text colour,
 * each nudged darker (light scheme) or lighter (dark scheme) where Mantine's default shade
 * falls below 4.5:1 on the surfaces it is drawn on. Unchanged ones are left to Mantine.
 */
function colorVariables(name: string, shades: MantineColorsTuple, scheme: Scheme): ColorVariables {
  const variables: ColorVariables = {};
  const set = (variable: string, mantine: string, backgrounds: string[]) => {
    const value = readable(mantine, backgrounds, TEXT_CONTRAST);
    if (value !== mantine) variables[`--mantine-color-${name}-${variable}`] = value;
  };
  const surfaces = SURFACES[scheme];
  // Hovered, a filled button darkens to shade 9: too dark for the black label of a light colour.
  const label = luminance(shades[8]) > WHITE_TEXT_MAX_LUMINANCE ? "#000000" : "#ffffff";
  if (contrastRatio(shades[9], label) < TEXT_CONTRAST) {
    variables[`--mantine-color-${name}-filled-hover`] = `var(--mantine-color-${name}-7)`;
  }
  if (scheme === "light") {
    set("light-color", shades[9], [shades[1], shades[2], ...surfaces]);
    set("outline", shades[8], surfaces);
    set("text", shades[8], surfaces);
  } else {
    const lightBackgrounds = [mix(shades[9], "#000000", 0.5), mix(shades[9], "#000000", 0.3)];
    set("light-color", shades[0], [...lightBackgrounds, ...surfaces]);
    set("outline", shades[4], surfaces);
    set("text", shades[4], surfaces);
  }
  return variables;
}

function paletteVariables(scheme: Scheme): ColorVariables {
  return Object.assign(
    {},
    ...Object.entries(colors)
      .filter(([name]) => name !== "dark")
      .map(([name, shades]) => colorVariables(name, shades, scheme)),
  );
}

/**
 * The colours Mantine gives secondary text, placeholders, errors and links fall below 4.5:1
 * (dimmed gray-6 on white 3.3:1, dark-2 on dark-7 4.0:1; error red-6 3.3:1, red-8 in dark
 * 3.4:1): the next grey shades that reach it on every surface, and the red and primary
 * colours' text colours (made readable above).
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: { "--mantine-primary-color-text": `var(--mantine-color-${t.primaryColor}-text)` },
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-placeholder": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-text)",
    "--mantine-color-anchor": "var(--mantine-primary-color-text)",
    ...paletteVariables("light"),
  },
  dark: {
    "--mantine-color-dimmed": "var(--mantine-color-dark-1)",
    "--mantine-color-placeholder": "var(--mantine-color-dark-1)",
    "--mantine-color-error": "var(--mantine-color-red-text)",
    "--mantine-color-anchor": "var(--mantine-primary-color-text)",
    ...paletteVariables("dark"),
  },
});
