import { Center } from "@mantine/core";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorAlert } from "@/components/error-alert";
import { PageLoader } from "@/components/page-loader";
import { useMe } from "@/features/auth/api/get-me";

export const CHANGE_PASSWORD_PATH = "/change-password";
export const TWO_FACTOR_PATH = "/two-factor";

/**
 * Renders its children only for a signed-in user. On a reload the session comes back
 * through the refresh cookie; when there is none (or the login is gone) it goes to
 * /login. A user who must change their password is held on /change-password; then one whose
 * role requires two-factor login, until they turn it on, on /two-factor.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) {
    return <PageLoader label="Loading your session" />;
  }
  if (me.isError) {
    return (
      <Center mih="100vh" p="md">
        <ErrorAlert error={me.error} title="Could not reach the server" />
      </Center>
    );
  }
  if (me.data === null) {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (me.data.password_change_required && location.pathname !== CHANGE_PASSWORD_PATH) {
    return <Navigate to={CHANGE_PASSWORD_PATH} replace />;
  }
  if (
    !me.data.password_change_required &&
    me.data.mfa_enrollment_required &&
    location.pathname !== TWO_FACTOR_PATH
  ) {
    return <Navigate to={TWO_FACTOR_PATH} replace />;
  }
  return children;
}
