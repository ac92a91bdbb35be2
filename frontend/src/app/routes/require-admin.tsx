import { Alert, Button } from "@mantine/core";
import { Link, Outlet } from "react-router";
import { usePageTitle } from "@/components/page-header";
import { useMe } from "@/features/auth/api/get-me";

function NotAdmin() {
  usePageTitle("Admin role required");
  return (
    <Alert color="orange" title="Admin role required" data-testid="not-admin">
      Your account does not have the admin role, so this page is not available. You can still manage
      your own password and logins.
      <div>
        <Button component={Link} to="/account" variant="light" mt="sm">
          My account
        </Button>
      </div>
    </Alert>
  );
}

/** The admin pages need the `admin` role; others get an explanation, not a wall of 403s. */
export function RequireAdmin() {
  const me = useMe();
  if (me.data && !me.data.roles.includes("admin")) return <NotAdmin />;
  return <Outlet />;
}
