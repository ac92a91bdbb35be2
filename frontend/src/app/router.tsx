import { createBrowserRouter, Outlet } from "react-router";
import { RouterProvider } from "react-router/dom";
import { AppLayout } from "@/app/layout/app-layout";
import { ChangePasswordRoute } from "@/app/routes/change-password";
import { LoginRoute } from "@/app/routes/login";
import { NotFoundRoute } from "@/app/routes/not-found";
import {
  AccessLogRoute,
  AccountRoute,
  DashboardRoute,
  LockoutsRoute,
  RolesRoute,
  UserRoute,
  UsersRoute,
} from "@/app/routes/pages";
import { RequireAdmin } from "@/app/routes/require-admin";
import { RequireAuth } from "@/features/auth/components/require-auth";
import { SessionWatcher } from "@/features/auth/components/session-watcher";

function Root() {
  return (
    <>
      <SessionWatcher />
      <Outlet />
    </>
  );
}

export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <Root />,
      children: [
        { path: "/login", element: <LoginRoute /> },
        {
          path: "/change-password",
          element: (
            <RequireAuth>
              <ChangePasswordRoute />
            </RequireAuth>
          ),
        },
        {
          path: "/",
          element: (
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          ),
          children: [
            { path: "account", element: <AccountRoute /> },
            {
              element: <RequireAdmin />,
              children: [
                { index: true, element: <DashboardRoute /> },
                { path: "users", element: <UsersRoute /> },
                { path: "users/:userId", element: <UserRoute /> },
                { path: "lockouts", element: <LockoutsRoute /> },
                { path: "roles", element: <RolesRoute /> },
                { path: "access-log", element: <AccessLogRoute /> },
              ],
            },
            { path: "*", element: <NotFoundRoute /> },
          ],
        },
      ],
    },
  ]);
}

const router = createAppRouter();

export function AppRouter() {
  return <RouterProvider router={router} />;
}
