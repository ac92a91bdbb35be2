// Runs before the app bundle (loaded as an external file so that it works under a
// Content-Security-Policy without 'unsafe-inline'). Mirrors Mantine's
// ColorSchemeScript: applies the stored or OS color scheme before first paint.
(() => {
  try {
    const stored = window.localStorage.getItem("mantine-color-scheme-value");
    const scheme = stored === "light" || stored === "dark" ? stored : "auto";
    const computed =
      scheme !== "auto"
        ? scheme
        : window.matchMedia("(prefers-color-scheme: dark)").matches
          ? "dark"
          : "light";
    document.documentElement.setAttribute("data-mantine-color-scheme", computed);
  } catch {
    // Storage or matchMedia unavailable: Mantine applies the scheme once it starts.
  }
})();
