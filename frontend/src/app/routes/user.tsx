import { Button } from "@mantine/core";
import { Link, useParams } from "react-router";
import { NotFoundRoute } from "@/app/routes/not-found";
import { userHistoryPath } from "@/features/audit-trail/api/audit-events";
import { ResetMfaButton } from "@/features/users/components/reset-mfa-button";
import { UserLogins } from "@/features/users/components/user-logins";

export function UserRoute() {
  const { userId } = useParams();
  const id = Number(userId);
  if (!Number.isInteger(id) || id < 1) return <NotFoundRoute />;
  const links = (
    <>
      <Button component={Link} to={userHistoryPath(id)} variant="default">
        History
      </Button>
      <ResetMfaButton userId={id} />
    </>
  );
  return <UserLogins userId={id} links={links} />;
}
