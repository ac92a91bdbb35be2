import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useNavigate } from "react-router";
import { meQueryKey } from "@/features/auth/api/get-me";
import { onAuthEvent } from "@/lib/api-client";

/**
 * Reacts to the api client's session events: a login that is gone (blocked, revoked,
 * expired) sends the user to /login with the reason; a 403 password_change_required
 * sends them to the forced password change.
 */
export function SessionWatcher() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onAuthEvent((event) => {
        if (event.type === "session-ended") {
          queryClient.clear();
          queryClient.setQueryData(meQueryKey, null);
          navigate("/login", { replace: true, state: { message: event.reason } });
        } else {
          void queryClient.invalidateQueries({ queryKey: meQueryKey });
          navigate("/change-password", { replace: true });
        }
      }),
    [navigate, queryClient],
  );
  return null;
}
