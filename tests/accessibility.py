"""An automated WCAG 2.1 AA check for the browser tests, with axe-core (vendored in
``tests/vendor/axe-core``; docs/decisions/0009).

``assert_accessible(page)`` runs axe on the page as the browser shows it and fails on
any *serious* or *critical* violation, listing rule, impact, help and where. The script
goes in through Playwright's ``evaluate``, which the DevTools protocol runs outside the
page's Content-Security-Policy: the app's CSP stays as strict in the tests as in
production.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")


def axe_violations(
    page: Page, *, impacts: tuple[str, ...] = FAILING
) -> list[dict[str, Any]]:
    """The page's WCAG 2.1 A/AA violations of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await window.axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_AA,
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [
            ", ".join(map(str, node.get("target", [])))
            for node in violation.get("nodes", [])[:3]
        ]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"— {'; '.join(targets)}"
        )
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical WCAG 2.1 AA violation on the page."""
    violations = axe_violations(page)
    assert not violations, f"Accessibility violations on {page.url}:\n" + describe(
        violations
    )
