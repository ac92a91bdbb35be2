/**
 * The nonce for <style> elements that Mantine creates at run time (responsive style
 * props, Grid/SimpleGrid/Flex/AppShell media styles, theme CSS variables when the
 * theme differs from the default).
 *
 * The server may opt in by putting `<meta property="csp-nonce" nonce="...">` into
 * index.html with a fresh nonce per response (Vite's `html.cspNonce` convention) and
 * allowing `style-src 'self' 'nonce-...'`. Without it there is no nonce, and the app
 * avoids the features that need one (see README.md).
 */
export function getCspNonce(): string | undefined {
  if (typeof document === "undefined") return undefined;
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  // Browsers hide the nonce *attribute* once a CSP applies; the property keeps it.
  return meta?.nonce || meta?.getAttribute("nonce") || undefined;
}
