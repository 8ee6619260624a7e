"""The README's "run everything as CI does" command gives the suite every service CI gives it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def variables_set(command: str) -> set[str]:
    return set(re.findall(r"(?:^|\s)([A-Z][A-Z0-9_]*)=", command))


def test_the_readmes_ci_command_sets_every_service_the_suite_needs_in_ci():
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"To run everything as CI does:\s*```sh\n(.*?)```", readme, re.DOTALL).group(1)
    tests_source = "\n".join(path.read_text() for path in (ROOT / "tests").rglob("*.py"))
    services = {"DATABASE_URL"} | set(re.findall(r"os\.environ\.get\(\"(TEST_\w+_URL)\"", tests_source))
    ci_script = (ROOT / ".ci" / "run").read_text()

    assert services == {"DATABASE_URL", "TEST_REDIS_URL", "TEST_RABBITMQ_URL"}
    assert services <= variables_set(ci_script)
    assert services | {"CI"} <= variables_set(command)
    assert "CI=true make test" in command
