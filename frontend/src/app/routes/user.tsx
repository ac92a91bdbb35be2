import { useParams } from "react-router";
import { NotFoundRoute } from "@/app/routes/not-found";
import { UserLogins } from "@/features/users/components/user-logins";

export function UserRoute() {
  const { userId } = useParams();
  const id = Number(userId);
  if (!Number.isInteger(id) || id < 1) return <NotFoundRoute />;
  return <UserLogins userId={id} />;
}
