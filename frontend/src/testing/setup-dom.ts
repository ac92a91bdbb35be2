/**
 * Setup for the component tests (*.test.tsx, jsdom): what jsdom lacks and Mantine uses, and
 * Testing Library's cleanup after each test (vitest runs without globals, so it is not automatic).
 */
import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";
import { setAccessToken } from "@/lib/api-client";

Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  }),
});

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = ResizeObserverStub;
Element.prototype.scrollIntoView = vi.fn();

afterEach(() => {
  cleanup();
  setAccessToken(null);
});
