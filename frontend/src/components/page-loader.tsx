import { Center, Loader } from "@mantine/core";

/**
 * What shows while a page's code is loading (the pages are separate chunks, see the README):
 * a live region, so a screen reader hears that something is on its way. Mantine's Loader is a
 * bare span, which may not carry a label itself (axe: aria-prohibited-attr), so it is hidden.
 */
export function PageLoader({ label = "Loading the page" }: { label?: string }) {
  return (
    <Center mih="100vh" role="status" aria-label={label} data-testid="page-loader">
      <Loader aria-hidden="true" />
    </Center>
  );
}
