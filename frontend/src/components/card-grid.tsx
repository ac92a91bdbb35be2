import type { ReactNode } from "react";
import classes from "@/components/card-grid.module.css";

/**
 * A responsive grid from a static stylesheet. Mantine's SimpleGrid/Grid emit a runtime
 * <style> element for their breakpoints, which the strict CSP (no style nonce) blocks.
 */
export function CardGrid({ cols, children }: { cols: 3 | 4; children: ReactNode }) {
  return (
    <div className={`${classes.grid} ${cols === 4 ? classes.cols4 : classes.cols3}`}>
      {children}
    </div>
  );
}
