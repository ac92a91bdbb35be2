/**
 * Names for the schemas of the generated OpenAPI types (src/lib/api-types.ts, made by
 * `npm run gen:api` from openapi.json). Renaming a field on the server and regenerating
 * breaks the typecheck wherever the SPA uses it.
 */
import type { components, paths } from "@/lib/api-types";

type Schemas = components["schemas"];

export type User = Schemas["UserRead"];
export type UserCreate = Schemas["UserCreate"];
export type UserUpdate = Schemas["UserUpdate"];
export type UserPage = Schemas["UserPage"];
export type PasswordReset = Schemas["PasswordReset"];
export type PasswordChange = Schemas["PasswordChange"];
export type Token = Schemas["TokenRead"];
export type TokenPage = Schemas["TokenPage"];
export type TokenUpdate = Schemas["TokenUpdate"];
export type TokenResponse = Schemas["TokenResponse"];
export type LoginRequest = Schemas["LoginRequest"];
export type Me = Schemas["MeRead"];
export type MfaChallenge = Schemas["MfaChallengeResponse"];
/** What a password login answers: tokens, or (two-factor on) the challenge of the code step. */
export type LoginResponse = Schemas["LoginResponse"];
export type MfaLoginRequest = Schemas["MfaLoginRequest"];
export type TotpEnrollment = Schemas["TotpEnrollment"];
export type RecoveryCodes = Schemas["RecoveryCodes"];
export type MfaDisable = Schemas["MfaDisable"];
export type Role = Schemas["RoleRead"];
export type RolePage = Schemas["RolePage"];
export type RoleCreate = Schemas["RoleCreate"];
export type RoleUpdate = Schemas["RoleUpdate"];
export type AccessLogEntry = Schemas["AccessLogRead"];
export type AccessLogPage = Schemas["AccessLogPage"];
export type AuditEvent = Schemas["AuditEvent"];
export type AuditEventPage = Schemas["AuditEventPage"];
export type Stats = Schemas["Stats"];
export type StatsBucket = Schemas["Bucket"];
export type Ranked = Schemas["Ranked"];
export type Lockout = Schemas["LockoutRead"];
export type LockoutPage = Schemas["LockoutPage"];
export type ApiKey = Schemas["ApiKeyRead"];
export type ApiKeyPage = Schemas["ApiKeyPage"];
export type ApiKeyCreate = Schemas["ApiKeyCreate"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
/** The body of every error response (`application/problem+json`). */
export type Problem = Schemas["Problem"];
/** One entry of a validation problem's `errors`. */
export type FieldError = Schemas["FieldError"];

type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

export type UserListQuery = QueryOf<"/api/v1/users">;
export type AccessLogQuery = QueryOf<"/api/v1/access-log">;
export type AuditEventQuery = QueryOf<"/api/v1/audit-events">;
export type StatsQuery = QueryOf<"/api/v1/access-log/stats">;
export type LockoutQuery = QueryOf<"/api/v1/lockouts">;
export type ApiKeyQuery = QueryOf<"/api/v1/api-keys">;
export type MyApiKeyQuery = QueryOf<"/api/v1/auth/me/api-keys">;
