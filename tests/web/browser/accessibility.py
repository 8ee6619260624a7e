"""axe-core (from npm, see package.json) run inside a page: the WCAG 2 A and AA rules it breaks."""

from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Each violated rule with the elements breaking it. The script is evaluated through the browser's
    debugging protocol, which the pages' Content-Security-Policy does not govern: the page stays as served."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` (as .ci/run and `make test` do).")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate(
        """rules => axe.run(document, {runOnly: {type: 'tag', values: rules}}).then(result =>
            result.violations.map(v => ({rule: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))""",
        RULES,
    )
