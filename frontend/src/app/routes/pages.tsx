import { Stack, Title } from "@mantine/core";
import { useParams } from "react-router";
import { NotFoundRoute } from "@/app/routes/not-found";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { AccessLogView } from "@/features/access-log/components/access-log-view";
import { useMe } from "@/features/auth/api/get-me";
import { ChangePasswordForm } from "@/features/auth/components/change-password-form";
import { MyLogins } from "@/features/auth/components/my-logins";
import { DashboardView } from "@/features/dashboard/components/dashboard-view";
import { LockoutsList } from "@/features/lockouts/components/lockouts-list";
import { useRoles } from "@/features/roles/api/roles";
import { RolesList } from "@/features/roles/components/roles-list";
import { UserLogins } from "@/features/users/components/user-logins";
import { UsersList } from "@/features/users/components/users-list";

export function DashboardRoute() {
  return <DashboardView />;
}

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

export function UserRoute() {
  const { userId } = useParams();
  const id = Number(userId);
  if (!Number.isInteger(id) || id < 1) return <NotFoundRoute />;
  return <UserLogins userId={id} />;
}

export function LockoutsRoute() {
  return <LockoutsList />;
}

export function RolesRoute() {
  return <RolesList />;
}

export function AccessLogRoute() {
  return <AccessLogView />;
}

export function AccountRoute() {
  const me = useMe();
  return (
    <Stack gap="xl">
      <PageHeader title="My account" description={`Signed in as ${me.data?.username ?? ""}`} />
      <Stack gap="sm" maw={440}>
        <Title order={3}>Change password</Title>
        <ChangePasswordForm />
      </Stack>
      <Stack gap="sm">
        <Title order={3}>My logins</Title>
        <MyLogins />
      </Stack>
    </Stack>
  );
}
