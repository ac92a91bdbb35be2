import { createBrowserRouter } from "react-router";
import { RouterProvider } from "react-router/dom";
import { HomeRoute } from "@/app/routes/home";
import { LoginRoute } from "@/app/routes/login";
import { NotFoundRoute } from "@/app/routes/not-found";
import { RequireAuth } from "@/features/auth/components/require-auth";

export function createAppRouter() {
  return createBrowserRouter([
    { path: "/login", element: <LoginRoute /> },
    {
      path: "/",
      element: (
        <RequireAuth>
          <HomeRoute />
        </RequireAuth>
      ),
    },
    { path: "*", element: <NotFoundRoute /> },
  ]);
}

const router = createAppRouter();

export function AppRouter() {
  return <RouterProvider router={router} />;
}
