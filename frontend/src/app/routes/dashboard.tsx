import { DashboardView } from "@/features/dashboard/components/dashboard-view";

export function DashboardRoute() {
  return <DashboardView />;
}
