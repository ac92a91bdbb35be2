import { type MantineColorScheme, SegmentedControl, useMantineColorScheme } from "@mantine/core";

const options: { label: string; value: MantineColorScheme }[] = [
  { label: "Light", value: "light" },
  { label: "Dark", value: "dark" },
  { label: "Auto", value: "auto" },
];

export function ColorSchemeToggle() {
  // keepTransitions: otherwise Mantine injects a <style> element on every switch,
  // which a CSP without a style nonce blocks.
  const { colorScheme, setColorScheme } = useMantineColorScheme({ keepTransitions: true });
  return (
    <SegmentedControl
      size="xs"
      aria-label="Color scheme"
      value={colorScheme}
      onChange={(value) => setColorScheme(value as MantineColorScheme)}
      data={options}
    />
  );
}
