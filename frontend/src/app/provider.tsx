import "@mantine/core/styles.css";
import "@/app/mantine-static.css";
import "@/app/theme.css";
import "@/app/focus.css";
import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { cssVariablesResolver, theme } from "@/app/theme";
import { getCspNonce } from "@/lib/csp-nonce";
import { createQueryClient } from "@/lib/react-query";

// Mantine's default CSS variables ship in @mantine/core/styles.css. MantineProvider
// would also inject a <style> tag with the theme's own variables, which a CSP without
// 'unsafe-inline' blocks and reports, so it is turned off (withCssVariables={false}) and
// the theme's variables ship as a static stylesheet instead: src/app/theme.css, generated
// from src/app/theme.ts by `npm run gen:theme` (a unit test fails when they differ).
const styleNonce = getCspNonce();
const getStyleNonce = styleNonce ? () => styleNonce : undefined;

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      defaultColorScheme="auto"
      getStyleNonce={getStyleNonce}
      withCssVariables={false}
      withGlobalClasses={false}
    >
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}
