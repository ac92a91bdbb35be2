import { LockoutsList } from "@/features/lockouts/components/lockouts-list";

export function LockoutsRoute() {
  return <LockoutsList />;
}
