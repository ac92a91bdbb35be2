import { Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import { Navigate } from "react-router";
import { useMe } from "@/features/auth/api/get-me";
import { ApiError, getAccessToken } from "@/lib/api-client";

/**
 * Renders its children only for a signed-in user: without an access token in memory
 * (e.g. after a reload) or when /auth/me answers 401, it goes to /login.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();

  if (getAccessToken() === null) return <Navigate to="/login" replace />;
  if (me.error instanceof ApiError && me.error.status === 401) {
    return <Navigate to="/login" replace />;
  }
  if (me.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  return children;
}
