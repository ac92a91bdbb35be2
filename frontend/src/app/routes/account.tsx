import { Stack, Title } from "@mantine/core";
import { PageHeader } from "@/components/page-header";
import { useMe } from "@/features/auth/api/get-me";
import { ChangePasswordForm } from "@/features/auth/components/change-password-form";
import { MyLogins } from "@/features/auth/components/my-logins";
import { TwoFactorSetup } from "@/features/auth/components/two-factor-setup";

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
        <Title order={3}>Two-factor login</Title>
        <TwoFactorSetup />
      </Stack>
      <Stack gap="sm">
        <Title order={3}>My logins</Title>
        <MyLogins />
      </Stack>
    </Stack>
  );
}
