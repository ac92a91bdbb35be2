import { Modal, type ModalProps } from "@mantine/core";

/**
 * Mantine's Modal without scroll locking: react-remove-scroll injects a <style> element,
 * which the strict CSP (no style nonce) blocks. Focus trapping, Escape and focus return
 * work as usual.
 */
export function AppModal(props: ModalProps) {
  return (
    <Modal lockScroll={false} centered closeButtonProps={{ "aria-label": "Close" }} {...props} />
  );
}
