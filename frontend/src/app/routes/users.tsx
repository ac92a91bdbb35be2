import { ErrorAlert } from "@/components/error-alert";
import { useMe } from "@/features/auth/api/get-me";
import { useRoles } from "@/features/roles/api/roles";
import { UsersList } from "@/features/users/components/users-list";

export function UsersRoute() {
  const roles = useRoles();
  const me = useMe();
  const roleOptions = (roles.data?.items ?? []).map((role) => ({
    value: role.name,
    label: role.name,
  }));
  return (
    <>
      <ErrorAlert error={roles.error} title="Could not load the roles" />
      <UsersList roleOptions={roleOptions} currentUserId={me.data?.id} />
    </>
  );
}
