import { AuditTrailView } from "@/features/audit-trail/components/audit-trail-view";

export function AuditTrailRoute() {
  return <AuditTrailView />;
}
