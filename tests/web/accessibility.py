"""Accessibility checks shared by the browser tests: axe-core run inside the page, the
live regions' announcements, and where the keyboard focus is.

axe-core is the pinned npm package in tests/web/axe/ (package-lock.json; `make`
installs it with `npm ci`, so nothing is fetched while the tests run). It is evaluated
through the DevTools protocol, which the page's Content-Security-Policy does not
block, so the pages are checked with their real, strict policy in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.1 A and AA (what the BFSG asks for via EN 301 549) plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = ("serious", "critical")

RUN_AXE = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
  }));
}"""

# Every change inside a live region that is in the accessibility tree at that moment
# (not hidden, not aria-hidden), as screen readers would be told about it: the region's
# text after each batch of DOM changes, once per region and batch. Rewriting a region
# with the same text counts too, since screen readers may repeat it. Installed with
# add_init_script before the page's own scripts.
ANNOUNCEMENT_RECORDER = """
window.__announced = [];
(() => {
  const LIVE = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';
  new MutationObserver((mutations) => {
    const regions = new Set();
    for (const mutation of mutations) {
      const node = mutation.target;
      const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
      const region = element?.closest(LIVE);
      if (region && !region.closest('[hidden], [aria-hidden="true"]')) {
        regions.add(region);
      }
    }
    for (const region of regions) {
      const text = region.textContent.replace(/\\s+/g, " ").trim();
      if (text) {
        window.__announced.push(text);
      }
    }
  }).observe(document, {childList: true, characterData: true, subtree: true});
})();
"""


def axe_script() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `make bootstrap` (npm ci)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@dataclass
class AxeAudit:
    """axe-core's findings over many pages and states, to be asserted at the end."""

    findings: list[str] = field(default_factory=list)
    minor: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)

    def check(self, page: Page, state: str) -> None:
        """Run axe on the page as it is now; ``state`` names it in the findings."""
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(axe_script())
        self.states.append(state)
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            targets = "; ".join(f"{node['target']}: {node['summary']}"
                                for node in violation["nodes"][:5])
            line = (f"{state}: {violation['id']} ({violation['impact']}) "
                    f"{violation['help']} — {targets}")
            if violation["impact"] in BLOCKING_IMPACTS:
                self.findings.append(line)
            else:
                self.minor.append(line)

    def assert_clean(self) -> None:
        if self.minor:
            print("axe, moderate and minor:\n" + "\n".join(self.minor))
        assert self.findings == [], "\n".join(self.findings)


def announcements(page: Page) -> list[str]:
    """What the live regions said since the page loaded (ANNOUNCEMENT_RECORDER)."""
    return list(page.evaluate("window.__announced"))


def focused(page: Page) -> dict[str, Any]:
    """The focused element: tag, id, text and the step it belongs to."""
    return dict(page.evaluate("""() => {
      const element = document.activeElement;
      return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        text: element.textContent.trim().slice(0, 80),
        step: element.closest('[data-step]')?.dataset.step ?? null,
      };
    }"""))


def no_horizontal_scroll(page: Page) -> tuple[int, int]:
    """The page's scroll width and the viewport's width in CSS pixels."""
    width, viewport = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    return int(width), int(viewport)
