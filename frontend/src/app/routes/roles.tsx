import { RolesList } from "@/features/roles/components/roles-list";

export function RolesRoute() {
  return <RolesList />;
}
