import { Center, Loader } from "@mantine/core";

/**
 * What shows while a page's code is loading (the pages are separate chunks, see the README):
 * a live region, so a screen reader hears that something is on its way.
 */
export function PageLoader() {
  return (
    <Center mih="100vh" role="status" aria-label="Loading the page" data-testid="page-loader">
      <Loader aria-hidden="true" />
    </Center>
  );
}
