import "@mantine/core/styles.css";
import "@/app/mantine-static.css";
import { createTheme, MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { getCspNonce } from "@/lib/csp-nonce";
import { createQueryClient } from "@/lib/react-query";

// Mantine's default CSS variables ship in @mantine/core/styles.css. MantineProvider
// would also inject a (for the default theme: empty) <style> tag with the theme's
// variables, which a CSP without 'unsafe-inline' blocks and reports, so it is turned
// off (withCssVariables={false}). To customize colors, fonts etc., put the variables
// in a static CSS file, or have the server send a style nonce (see src/lib/csp-nonce.ts)
// and turn withCssVariables back on.
const theme = createTheme({});
const styleNonce = getCspNonce();
const getStyleNonce = styleNonce ? () => styleNonce : undefined;

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      getStyleNonce={getStyleNonce}
      withCssVariables={false}
      withGlobalClasses={false}
    >
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}
