import { PageLoader } from "@/components/page-loader";
import { ApiKeysView } from "@/features/api-keys/components/api-keys-view";
import { useMe } from "@/features/auth/api/get-me";

export function ApiKeysRoute() {
  const me = useMe();
  if (!me.data) return <PageLoader />;
  return <ApiKeysView me={me.data} />;
}
