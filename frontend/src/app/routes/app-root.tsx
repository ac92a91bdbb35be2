import { AppLayout } from "@/app/layout/app-layout";
import { RequireAuth } from "@/features/auth/components/require-auth";

/** `/` and the pages in it: the header and navigation, for a signed-in user only. */
export function AppRoot() {
  return (
    <RequireAuth>
      <AppLayout />
    </RequireAuth>
  );
}
