import { AccessLogView } from "@/features/access-log/components/access-log-view";

export function AccessLogRoute() {
  return <AccessLogView />;
}
