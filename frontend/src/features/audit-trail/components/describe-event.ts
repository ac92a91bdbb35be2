import type { AuditEvent } from "@/lib/api-schemas";

/** What each action did, as the trail says it: "<actor> <verb> <target>". */
const VERBS: Record<string, string> = {
  "user.create": "created the user",
  "user.update": "changed the user",
  "user.delete": "deleted the user",
  "user.password_reset": "reset the password of",
  "user.tokens_revoke": "ended every login of",
  "user.mfa_reset": "reset the two-factor login of",
  "user.mfa_enable": "turned on two-factor login for",
  "user.mfa_disable": "turned off two-factor login for",
  "token.block": "blocked a login of",
  "token.unblock": "unblocked a login of",
  "role.create": "created the role",
  "role.update": "changed the role",
  "role.delete": "deleted the role",
  "lockout.lift": "lifted the lockout of",
  "api_key.create": "created an API key for",
  "api_key.revoke": "revoked an API key of",
};

export const KNOWN_ACTIONS = Object.keys(VERBS);

export function verbOf(action: string): string {
  return VERBS[action] ?? action;
}

function show(value: unknown): string {
  if (value === true) return "yes";
  if (value === false) return "no";
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.map(show).join(", ") : "none";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

const NAMES: Record<string, string> = {
  is_active: "active",
  logins_ended: "logins ended",
  token_id: "login",
  lockout_id: "lockout",
  api_key_name: "key",
  api_key_id: "key id",
  expires_at: "expires",
};

function isChange(value: unknown): value is { from: unknown; to: unknown } {
  return typeof value === "object" && value !== null && "from" in value && "to" in value;
}

/** The details in a line: `roles: user → admin, user; active: yes → no`. */
export function summarize(details: AuditEvent["details"]): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (key === "changes" && typeof value === "object" && value !== null) {
      for (const [field, change] of Object.entries(value)) {
        const name = NAMES[field] ?? field;
        parts.push(isChange(change) ? `${name}: ${show(change.from)} → ${show(change.to)}` : name);
      }
    } else {
      parts.push(`${NAMES[key] ?? key}: ${show(value)}`);
    }
  }
  return parts.join("; ");
}
