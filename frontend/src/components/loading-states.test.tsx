import { Table } from "@mantine/core";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { PageLoader } from "@/components/page-loader";
import { TableState } from "@/components/table-state";
import { renderWithApp } from "@/testing/render";

/**
 * The loading states show for a moment only, so the browser tests' axe scans catch them by
 * chance (one did, in CI: a labelled bare span). Here each one is scanned on purpose.
 */
async function violations(container: HTMLElement): Promise<string[]> {
  const results = await axe.run(container, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] },
    rules: { "color-contrast": { enabled: false } },
  });
  return results.violations.map((violation) => `${violation.id}: ${violation.help}`);
}

describe("loading states", () => {
  it("a table that is loading says so in a live region axe accepts", async () => {
    const { container, getByRole } = renderWithApp(
      <Table>
        <Table.Tbody>
          <TableState colSpan={3} isPending error={null} isEmpty={false} />
        </Table.Tbody>
      </Table>,
    );
    expect(getByRole("status", { name: "Loading" })).toBeTruthy();
    expect(await violations(container)).toEqual([]);
  });

  it("a page or session that is loading says so in a live region axe accepts", async () => {
    const { container, getByRole } = renderWithApp(<PageLoader label="Loading your session" />);
    expect(getByRole("status", { name: "Loading your session" })).toBeTruthy();
    expect(await violations(container)).toEqual([]);
  });
});
