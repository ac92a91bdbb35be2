import { Burger, Button, Group, NavLink as MantineNavLink, Menu, Text } from "@mantine/core";
import { useRef, useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import classes from "@/app/layout/app-layout.module.css";
import { ColorSchemeToggle } from "@/components/color-scheme-toggle";
import { useMe } from "@/features/auth/api/get-me";
import { useLogout } from "@/features/auth/api/logout";

const LINKS = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/users", label: "Users", end: false },
  { to: "/lockouts", label: "Lockouts", end: false },
  { to: "/roles", label: "Roles", end: false },
  { to: "/access-log", label: "Access log", end: false },
  { to: "/audit-trail", label: "Audit trail", end: false },
  { to: "/api-keys", label: "API keys", end: false },
  { to: "/account", label: "My account", end: false },
];

/**
 * Header, navigation and the page; plain CSS grid instead of AppShell (CSP, see README).
 * On narrow screens (and at high zoom) the navigation collapses behind a button.
 */
export function AppLayout() {
  const me = useMe();
  const navigate = useNavigate();
  const logout = useLogout({ onSettled: () => navigate("/login", { replace: true }) });
  const [navOpen, setNavOpen] = useState(false);
  const burger = useRef<HTMLButtonElement>(null);

  return (
    <div className={classes.shell}>
      <a href="#main" className={classes.skip}>
        Skip to content
      </a>
      <header className={classes.header}>
        <Group gap="xs" wrap="nowrap">
          <Burger
            ref={burger}
            className={classes.burger}
            size="sm"
            opened={navOpen}
            onClick={() => setNavOpen((open) => !open)}
            aria-label="Navigation"
            aria-expanded={navOpen}
            aria-controls="main-nav"
          />
          <Text fw={700}>Admin console</Text>
        </Group>
        <Group gap="sm">
          <ColorSchemeToggle />
          <Menu position="bottom-end">
            <Menu.Target>
              <Button variant="default" size="xs" data-testid="user-menu">
                {me.data?.username ?? "…"}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => navigate("/account")}>My account</Menu.Item>
              <Menu.Item c="red" onClick={() => logout.mutate()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </header>
      <nav
        id="main-nav"
        className={classes.nav}
        aria-label="Main"
        data-open={navOpen || undefined}
        onKeyDown={(event) => {
          if (event.key === "Escape" && navOpen) {
            setNavOpen(false);
            burger.current?.focus();
          }
        }}
      >
        {LINKS.map((link) => (
          <NavLink key={link.to} to={link.to} end={link.end} onClick={() => setNavOpen(false)}>
            {({ isActive }) => (
              <MantineNavLink component="span" label={link.label} active={isActive} />
            )}
          </NavLink>
        ))}
      </nav>
      <main id="main" className={classes.main} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
