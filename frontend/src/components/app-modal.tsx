import { Modal, type ModalProps } from "@mantine/core";
import { useEffect, useRef } from "react";

/**
 * What gets focus back when a modal closes: the element that had it when the modal opened,
 * or, for an item of a menu (which is gone by then), the button that opened the menu.
 */
function openerOf(element: Element | null): HTMLElement | null {
  const menu = element?.closest('[role="menu"]');
  if (menu?.id) {
    const trigger = document.querySelector(`[aria-controls="${CSS.escape(menu.id)}"]`);
    if (trigger instanceof HTMLElement) return trigger;
  }
  return element instanceof HTMLElement && element !== document.body ? element : null;
}

/**
 * Mantine's Modal without scroll locking: react-remove-scroll injects a <style> element,
 * which the strict CSP (no style nonce) blocks. Focus trapping and Escape work as usual;
 * focus goes back to the opener (Mantine's own return loses it when a menu item opened it).
 */
export function AppModal({ opened, ...props }: ModalProps) {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpened = useRef(opened);

  // Closed: focus back to the opener, unless it has moved on since. (Runs before
  // the effect below starts remembering focus again.)
  useEffect(() => {
    if (opened === wasOpened.current) return;
    wasOpened.current = opened;
    if (opened) return;
    const target = opener.current;
    const atClose = document.activeElement;
    const timeout = window.setTimeout(() => {
      const active = document.activeElement;
      const stayed = active === null || active === document.body || active === atClose;
      if (stayed && target?.isConnected) target.focus();
    }, 20);
    return () => window.clearTimeout(timeout);
  }, [opened]);

  // While closed, remember where focus is: by the time the modal opens, a menu item that
  // opened it has been removed and focus is on the page.
  useEffect(() => {
    if (opened) return;
    opener.current = openerOf(document.activeElement);
    const remember = (event: FocusEvent) => {
      opener.current = openerOf(event.target instanceof Element ? event.target : null);
    };
    document.addEventListener("focusin", remember);
    return () => document.removeEventListener("focusin", remember);
  }, [opened]);

  return (
    <Modal
      opened={opened}
      lockScroll={false}
      centered
      returnFocus={false}
      closeButtonProps={{ "aria-label": "Close" }}
      {...props}
    />
  );
}
