import { createBrowserRouter, Outlet } from "react-router";
import { RouterProvider } from "react-router/dom";
import { LoginRoute } from "@/app/routes/login";
import { PageLoader } from "@/components/page-loader";
import { SessionWatcher } from "@/features/auth/components/session-watcher";

function Root() {
  return (
    <>
      <SessionWatcher />
      <Outlet />
    </>
  );
}

// Every page but the login page is a chunk of its own, loaded when a route first needs it
// (React Router's `lazy`): the first visit, which is usually a sign-in, loads only what the
// login page needs. While a page's chunk loads on the first render, the root's
// HydrateFallback shows; on a later navigation the current page stays until the next is ready.
export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <Root />,
      HydrateFallback: PageLoader,
      children: [
        { path: "/login", element: <LoginRoute /> },
        {
          path: "/change-password",
          lazy: async () => ({
            Component: (await import("@/app/routes/change-password")).ChangePasswordRoute,
          }),
        },
        {
          path: "/two-factor",
          lazy: async () => ({
            Component: (await import("@/app/routes/two-factor")).TwoFactorRoute,
          }),
        },
        {
          path: "/",
          lazy: async () => ({ Component: (await import("@/app/routes/app-root")).AppRoot }),
          children: [
            {
              path: "account",
              lazy: async () => ({
                Component: (await import("@/app/routes/account")).AccountRoute,
              }),
            },
            {
              path: "api-keys",
              lazy: async () => ({
                Component: (await import("@/app/routes/api-keys")).ApiKeysRoute,
              }),
            },
            {
              lazy: async () => ({
                Component: (await import("@/app/routes/require-admin")).RequireAdmin,
              }),
              children: [
                {
                  index: true,
                  lazy: async () => ({
                    Component: (await import("@/app/routes/dashboard")).DashboardRoute,
                  }),
                },
                {
                  path: "users",
                  lazy: async () => ({
                    Component: (await import("@/app/routes/users")).UsersRoute,
                  }),
                },
                {
                  path: "users/:userId",
                  lazy: async () => ({ Component: (await import("@/app/routes/user")).UserRoute }),
                },
                {
                  path: "lockouts",
                  lazy: async () => ({
                    Component: (await import("@/app/routes/lockouts")).LockoutsRoute,
                  }),
                },
                {
                  path: "roles",
                  lazy: async () => ({
                    Component: (await import("@/app/routes/roles")).RolesRoute,
                  }),
                },
                {
                  path: "audit-trail",
                  lazy: async () => ({
                    Component: (await import("@/app/routes/audit-trail")).AuditTrailRoute,
                  }),
                },
                {
                  path: "access-log",
                  lazy: async () => ({
                    Component: (await import("@/app/routes/access-log")).AccessLogRoute,
                  }),
                },
              ],
            },
            {
              path: "*",
              lazy: async () => ({
                Component: (await import("@/app/routes/not-found")).NotFoundRoute,
              }),
            },
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
