"""Mutation testing of the modules that hold the core rules: would a broken rule still pass the tests?

Each mutant is one small change to one module (a comparison flipped or moved off by one, `and`/`or`
swapped, a condition negated or one of its terms dropped, a `raise` or a call statement dropped, a
`.filter()`/`.exclude()`/`.select_for_update()` or one of a filter's keywords dropped, an entry of a
table removed or a transition added, a number or a flag changed). A mutant is killed when a test of
that module fails on it.

Why not mutmut: mutmut 3 does not mutate decorated functions, and every service is `@service`.

How it runs: one pytest session per module, on that module's tests only (`MODULES`). The session runs
the tests once unchanged, recording which lines of the module each test executes; then, for each
mutant, it swaps the mutated function's code into the live function objects (module-level tables are
rebound, with the tables built from them at import and the default arguments that hold them), reruns
only the tests that execute the mutated lines, stopping at the first failure, and restores the code.
The test database is created once per module, so a module takes minutes.

    .venv/bin/python tools/mutation.py                     # every module in MODULES
    .venv/bin/python tools/mutation.py projects/permissions.py

Results: one line per surviving mutant, a score per module, and `var/mutation/<module>.json`.
"""

from __future__ import annotations

import ast
import copy
import gc
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "mutation"

EVENTS = "tests/webhooks/test_events.py"
CURRENCIES = "tests/services/test_currencies.py"
SELECTORS = "tests/test_selectors.py"
BREAKDOWNS = "tests/test_breakdowns.py"
# Module → the tests that hold its rules. `only`: mutate just these top-level names (the rest is plumbing).
# `equivalent`: (line, start of the mutant's description, why no behaviour can tell it apart): not run, not
# scored, listed with the reason; an entry that no longer matches (the line moved) lets the mutant run again.
MODULES: dict[str, dict] = {
    "projects/services/funding.py": {
        "tests": ["tests/services/test_funding.py", "tests/services/test_deletions.py", CURRENCIES, EVENTS],
    },
    "projects/services/agreements.py": {
        "tests": ["tests/services/test_agreements.py", "tests/services/test_deletions.py", CURRENCIES, EVENTS],
    },
    "projects/permissions.py": {
        "tests": ["tests/api/test_isolation.py", "tests/api/test_scoped_lookups.py", "tests/models/test_querysets.py"]
    },
    "projects/api/idempotency.py": {"tests": ["tests/api/test_idempotency.py", "tests/api/test_safe_writes.py"]},
    "projects/selectors/funding.py": {
        "tests": [SELECTORS, "tests/web/test_agreement_gaps.py"],
        "equivalent": [
            (
                107,
                "drop-link: rows.filter(reached_through(scope, path_from_row('agreement__'))).filter(",
                "no key column but the capability is ever NULL (funder, pledge, payment and release days are "
                "required), and rows of no capability are left out of that breakdown, never the total's source",
            ),
            (136, "flip: True", "UNION drops only equal rows; there are none, each part's rows are of its own kind"),
            (292, "number: 0", "a (funder, year) key has no year exactly when it has no funder: the budgets' key"),
            (306, "drop-link: Agreement.objects.filter(pk__in=found)", "references are read only for those found"),
        ],
    },
    "projects/selectors/money.py": {
        "tests": [SELECTORS, BREAKDOWNS],
        "equivalent": [
            (
                24,
                "number: 60",
                "sums and products of stored amounts and rates need about 40 digits, and no quotient of them lies "
                "within 10^-20 of a rounding tie: a 61st digit changes no figure",
            )
        ],
    },
    "projects/selectors/breakdowns.py": {
        "tests": [BREAKDOWNS, "tests/api/test_portfolio_funding.py", "tests/web/test_portfolio_pages.py"]
    },
    "projects/selectors/agreements.py": {"tests": [SELECTORS, BREAKDOWNS, "tests/test_portfolio_selectors.py"]},
    "projects/selectors/milestones.py": {"tests": ["tests/test_portfolio_selectors.py"]},
    "projects/choices.py": {
        "tests": ["tests/services/test_agreements.py", "tests/services/test_funding.py"],
        "only": ["AGREEMENT_TRANSITIONS", "SIGNED_STATUSES", "COMMITMENT_TRANSITIONS"],
    },
}
TEST_TIMEOUT = 120  # seconds: a mutant that makes a test hang is killed by the timeout

NEGATED = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
OFF_BY_ONE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
DROPPABLE_LINKS = {"filter", "exclude", "select_for_update"}
KEYWORD_CALLS = {"filter", "exclude", "get", "update", "create"}


@dataclass
class Mutant:
    index: int
    line: int
    description: str
    status: str = "not run"
    killed_by: str = ""


@dataclass
class Plan:
    """One mutation site: the node (by its position in `ast.walk` order) and how to change it."""

    node: int
    line: int
    kind: str
    arg: object = None
    lines: set[int] = field(default_factory=set)
    module_level: str | None = None  # the top-level name whose value changes, for table mutations


# Finding the mutation sites ---------------------------------------------------------------------


def scopes(tree: ast.Module, only: list[str] | None):
    """The top-level statements to mutate: function bodies (with their decorators left alone) and tables."""
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            if only is None or statement.name in only:
                yield statement.body, None
        elif isinstance(statement, ast.ClassDef):
            for member in statement.body:
                if isinstance(member, ast.FunctionDef) and (only is None or statement.name in only):
                    yield member.body, None
        elif isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names and (only is None or names[0] in only):
                yield [statement.value], names[0]


def plans(tree: ast.Module, only: list[str] | None) -> list[Plan]:
    order = {id(node): n for n, node in enumerate(ast.walk(tree))}
    found = []
    annotations = {id(node) for root in annotation_roots(tree) for node in ast.walk(root)}
    for body, table in scopes(tree, only):
        for top in body:
            for node in ast.walk(top):
                if id(node) in annotations:  # type hints are not behaviour
                    continue
                for kind, arg in sites(node):
                    lines = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
                    found.append(
                        Plan(order[id(node)], node.lineno, kind, arg, uses(tree, table) if table else lines, table)
                    )
    return found


def annotation_roots(tree: ast.Module) -> list[ast.AST]:
    roots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            roots.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
    return roots


def uses(tree: ast.Module, name: str) -> set[int]:
    """The lines of the module's functions that read a table; none (so every test runs) if other modules import it."""
    pattern = re.compile(rf"\b{name}\b")
    if sum(bool(pattern.search(path.read_text())) for path in (ROOT / "projects").rglob("*.py")) > 1:
        return set()
    inside = {id(node) for function in functions(tree) for statement in function.body for node in ast.walk(statement)}
    reads = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == name]
    if any(id(node) not in inside for node in reads if isinstance(node.ctx, ast.Load)):
        return set()  # read at import (another table, a default argument): every test
    return {node.lineno for node in reads if isinstance(node.ctx, ast.Load)}


def functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def compare_sites(node: ast.Compare):
    for position, op in enumerate(node.ops):
        yield "negate", (position, NEGATED[type(op)])
        if type(op) in OFF_BY_ONE:
            yield "off-by-one", (position, OFF_BY_ONE[type(op)])


def boolean_sites(node: ast.BoolOp):
    yield "swap-boolean", None
    for position in range(len(node.values)):
        yield "drop-term", position


def condition_sites(node: ast.If | ast.While | ast.IfExp):
    if not isinstance(node.test, ast.Compare | ast.UnaryOp):  # those have their own mutants
        yield "negate-condition", None


def call_sites(node: ast.Call):
    if isinstance(node.func, ast.Attribute) and node.func.attr in DROPPABLE_LINKS:
        yield "drop-link", None
    if isinstance(node.func, ast.Attribute) and node.func.attr in KEYWORD_CALLS and len(node.keywords) > 1:
        for position, keyword in enumerate(node.keywords):
            if keyword.arg is not None:
                yield "drop-keyword", position


def table_sites(node: ast.Dict):
    for position in range(len(node.keys)):
        yield "drop-entry", position
    yield from added_transitions(node)


def collection_sites(node: ast.Set | ast.Tuple | ast.List):
    if len(node.elts) > 1 and not isinstance(getattr(node, "ctx", None), ast.Store):
        for position in range(len(node.elts)):
            yield "drop-element", position


def constant_sites(node: ast.Constant):
    if type(node.value) is bool:
        yield "flip", None
    elif type(node.value) is int:
        yield "number", node.value + 1


SITES = {
    ast.Compare: compare_sites,
    ast.BoolOp: boolean_sites,
    ast.If: condition_sites,
    ast.While: condition_sites,
    ast.IfExp: condition_sites,
    ast.UnaryOp: lambda node: [("drop-not", None)] if isinstance(node.op, ast.Not) else [],
    ast.BinOp: lambda node: [("arithmetic", ARITHMETIC[type(node.op)])] if type(node.op) in ARITHMETIC else [],
    ast.Raise: lambda node: [("drop-statement", None)],
    ast.Expr: lambda node: [("drop-statement", None)] if isinstance(node.value, ast.Call) else [],
    ast.Call: call_sites,
    ast.Dict: table_sites,
    ast.Set: collection_sites,
    ast.Tuple: collection_sites,
    ast.List: collection_sites,
    ast.Constant: constant_sites,
}


def sites(node: ast.AST):
    """The mutations that apply to one node."""
    finder = SITES.get(type(node))
    return finder(node) if finder else []


def moves_of(value: ast.expr) -> ast.expr:
    """The set of moves in a table entry: `{...}` or `frozenset({...})` (`frozenset()` is an empty set)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "frozenset":
        if not value.args:
            value.args.append(ast.Set([]))  # spelled out, so a move can be added to it
        return value.args[0]
    return value


def added_transitions(table: ast.Dict):
    """For a table of moves (key → set of keys), each move it does not allow, added."""
    if not table.keys or not all(isinstance(moves_of(copy.deepcopy(value)), ast.Set) for value in table.values):
        return
    keys = [ast.unparse(key) for key in table.keys]
    for position, value in enumerate(table.values):
        present = {ast.unparse(e) for e in moves_of(copy.deepcopy(value)).elts}
        for key in keys:
            if key not in present and key != keys[position]:
                yield "add-move", (position, key)


def set_op(node, arg):
    node.ops[arg[0]] = arg[1]()


def drop_term(node, arg):
    rest = [value for n, value in enumerate(node.values) if n != arg]
    if len(rest) == 1:
        return rest[0]
    node.values = rest


def add_move(node, arg):
    moves_of(node.values[arg[0]]).elts.append(ast.parse(arg[1], mode="eval").body)


def delete(items: list, position: int) -> None:
    del items[position]


def drop_entry(node, arg):
    del node.keys[arg], node.values[arg]


# Each mutation: change the node in place (returning None) or return the node that replaces it.
MUTATORS = {
    "negate": set_op,
    "off-by-one": set_op,
    "swap-boolean": lambda node, arg: setattr(node, "op", ast.Or() if isinstance(node.op, ast.And) else ast.And()),
    "drop-term": drop_term,
    "negate-condition": lambda node, arg: setattr(node, "test", ast.UnaryOp(ast.Not(), node.test)),
    "drop-not": lambda node, arg: node.operand,
    "arithmetic": lambda node, arg: setattr(node, "op", arg()),
    "drop-statement": lambda node, arg: ast.Pass(),
    "drop-link": lambda node, arg: node.func.value,
    "drop-keyword": lambda node, arg: delete(node.keywords, arg),
    "drop-entry": drop_entry,
    "add-move": add_move,
    "drop-element": lambda node, arg: delete(node.elts, arg),
    "flip": lambda node, arg: setattr(node, "value", not node.value),
    "number": lambda node, arg: setattr(node, "value", arg),
}


def apply(tree: ast.Module, plan: Plan) -> tuple[ast.Module, str]:
    """A copy of the tree with the planned change made, and a description of it."""
    mutated = copy.deepcopy(tree)
    nodes = list(ast.walk(mutated))
    node = nodes[plan.node]
    before = ast.unparse(node).splitlines()[0][:90]
    replacement = MUTATORS[plan.kind](node, plan.arg)
    if replacement is not None:
        parent, attribute, position = locate(nodes, node)
        if position is None:
            setattr(parent, attribute, replacement)
        else:
            getattr(parent, attribute)[position] = replacement
        node = replacement
    ast.fix_missing_locations(mutated)
    after = "(dropped)" if isinstance(node, ast.Pass) else ast.unparse(node).splitlines()[0][:90]
    return mutated, f"{plan.kind}: {before}  →  {after}"


def locate(nodes: list[ast.AST], child: ast.AST):
    for parent in nodes:
        for attribute, value in ast.iter_fields(parent):
            if value is child:
                return parent, attribute, None
            if isinstance(value, list):
                for position, item in enumerate(value):
                    if item is child:
                        return parent, attribute, position
    raise LookupError("node without a parent")


# Swapping a mutant in and out of the running process ----------------------------------------------


def code_objects(code: types.CodeType) -> dict[tuple[str, int], types.CodeType]:
    found = {(code.co_qualname, code.co_firstlineno): code}
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            found.update(code_objects(constant))
    return found


class Swapper:
    """Puts a mutated module's changed functions (or table) into the live objects, and takes them out again."""

    def __init__(self, module: types.ModuleType, path: Path):
        self.module, self.path = module, str(path)
        self.original = code_objects(compile(path.read_text(), self.path, "exec"))
        self.live: dict[tuple[str, int], list[types.FunctionType]] = {}
        for obj in gc.get_objects():
            if type(obj) is types.FunctionType and obj.__code__.co_filename == self.path:
                key = (obj.__code__.co_qualname, obj.__code__.co_firstlineno)
                self.live.setdefault(key, []).append(obj)
        self.undo: list = []

    def swap_in(self, mutated: ast.Module, plan: Plan) -> None:
        code = compile(mutated, self.path, "exec")
        if plan.module_level:
            namespace = {"__name__": self.module.__name__, "__file__": self.path}
            exec(code, namespace)  # noqa: S102 - the module's own source, one table changed
            for name in [plan.module_level, *derived(mutated, plan.module_level)]:
                self.rebind(name, namespace[name])
            return
        changed = {key: new for key, new in code_objects(code).items() if self.original.get(key) != new}
        for key, new in changed.items():
            if key[0] == "<module>":
                continue
            for function in self.live.get(key, []):
                old = function.__code__
                function.__code__ = new  # ValueError if the closure changed: reported as an error
                self.undo.append(lambda f=function, c=old: setattr(f, "__code__", c))

    def rebind(self, name: str, new) -> None:
        old = getattr(self.module, name)
        if isinstance(old, dict):
            saved = dict(old)
            old.clear()
            old.update(new)
            self.undo.append(lambda: (old.clear(), old.update(saved)))
            return
        for module in list(sys.modules.values()):
            namespace = getattr(module, "__dict__", {})
            for key, value in list(namespace.items()):
                if value is old:
                    namespace[key] = new
                    self.undo.append(lambda ns=namespace, k=key: ns.__setitem__(k, old))
        for function in (f for live in self.live.values() for f in live):  # a default argument read at import
            if any(value is old for value in function.__defaults__ or ()):
                saved = function.__defaults__
                function.__defaults__ = tuple(new if value is old else value for value in saved)
                self.undo.append(lambda f=function, d=saved: setattr(f, "__defaults__", d))
            if any(value is old for value in (function.__kwdefaults__ or {}).values()):
                saved = function.__kwdefaults__
                function.__kwdefaults__ = {k: new if value is old else value for k, value in saved.items()}
                self.undo.append(lambda f=function, d=saved: setattr(f, "__kwdefaults__", d))

    def swap_out(self) -> None:
        while self.undo:
            self.undo.pop()()


def derived(tree: ast.Module, name: str) -> list[str]:
    """The top-level names built from table `name` at import (`KEYS = {**BREAKDOWNS, ...}`): rebound with it."""
    sources, found = {name}, []
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if sources & {node.id for node in ast.walk(statement.value) if isinstance(node, ast.Name)}:
                names = [target.id for target in targets if isinstance(target, ast.Name)]
                sources.update(names)
                found.extend(names)
    return found


# The pytest plugin: one session, the tests run once plain and once per mutant ---------------------


class Timeout(Exception):
    pass


def pytest_configure(config):
    """A property test that fails on a mutant has killed it: no need to shrink its example, nor to keep it."""
    from hypothesis import Phase, settings

    settings.register_profile("mutation", phases=[Phase.explicit, Phase.generate], database=None)
    settings.load_profile("mutation")


def run(item, nextitem) -> str:
    """Run one test quietly; why it failed (the last line of the failure), or "" if it passed."""
    from _pytest.runner import runtestprotocol

    def expired(signum, frame):
        raise Timeout(f"test took longer than {TEST_TIMEOUT}s")

    item.session._setupstate.teardown_exact(item)  # what the previous run kept up that this test does not use
    signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_TIMEOUT)
    try:
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
    finally:
        signal.alarm(0)
        if transactional(item):
            restore_migration_data(item)
    failures = [report for report in reports if report.failed]
    return failures[0].longreprtext.strip().splitlines()[-1][:300] if failures else ""


def transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in item.fixturenames or bool(marker and marker.kwargs.get("transaction"))


SAVED_DATA: dict[str, str] = {}


def save_migration_data(item) -> None:
    """The rows the migrations put in the test database (e.g. the beat schedule), before any test empties it.

    pytest runs the tests that commit (and empty the database after) last; here they run between others."""
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        SAVED_DATA["default"] = connection.creation.serialize_db_to_string()


def restore_migration_data(item) -> None:
    from django.core.management import call_command
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    if SAVED_DATA:
        with item.config.stash[blocking_manager_key].unblock():
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(SAVED_DATA["default"])


def traced_lines(path: str, item, nextitem) -> tuple[str, set[int]]:
    lines: set[int] = set()

    def local(frame, event, arg):
        if event in ("line", "call"):
            lines.add(frame.f_lineno)
        return local

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == path:
            lines.add(frame.f_lineno)
            return local
        return None

    sys.settrace(tracer)
    threading.settrace(tracer)
    try:
        failure = run(item, nextitem)
    finally:
        sys.settrace(None)
        threading.settrace(None)
    return failure, lines


class Session:
    """The tests of one module, run in the order pytest chose, keeping shared fixtures up between runs."""

    def __init__(self, items):
        self.items = items
        self.keep_alive = {item: items[1] if item is items[0] else items[0] for item in items}

    def run(self, tests) -> tuple[str, str]:
        """Run tests until one fails: (its id, why), or ("", "") if all pass."""
        for n, item in enumerate(tests):
            failure = run(item, tests[n + 1] if n + 1 < len(tests) else self.keep_alive[item])
            if failure:
                return item.nodeid, failure
        return "", ""

    def baseline(self, path: Path) -> dict:
        """Each test run once, unchanged: the lines of the mutated module it executes."""
        covered = {}
        for n, item in enumerate(self.items):
            following = self.items[n + 1] if n + 1 < len(self.items) else self.keep_alive[item]
            failure, covered[item] = traced_lines(str(path), item, following)
            if n == 0:
                save_migration_data(item)
            if failure:
                raise SystemExit(f"{item.nodeid} fails without any mutation: fix it first ({failure})")
        return covered


def try_mutant(session: Session, swapper: Swapper, mutated: ast.Module, plan: Plan, tests, mutant: Mutant) -> None:
    try:
        swapper.swap_in(mutated, plan)
    except Exception as error:  # noqa: BLE001 - a mutant that cannot be loaded is reported, not fatal
        swapper.swap_out()
        mutant.status = f"error: {error}"
        return
    try:
        killer, failure = session.run(tests)
    finally:
        swapper.swap_out()
    if not killer:
        mutant.status = "survived"
    elif session.run([test for test in tests if test.nodeid == killer])[0]:
        # The test fails without the mutant too: an earlier run left state behind; not a kill.
        mutant.status = f"error: {killer} fails unmutated after this run"
    else:
        mutant.status, mutant.killed_by = "killed", f"{killer}: {failure}"


def pytest_runtestloop(session):
    relative = os.environ["MUTATE_MODULE"]
    config = MODULES[relative]
    module = importlib.import_module(relative.removesuffix(".py").replace("/", "."))
    path = Path(module.__file__)
    tree = ast.parse(path.read_text())
    planned = list(enumerate(plans(tree, config.get("only"))))
    if os.environ.get("MUTATE_ONLY"):  # e.g. MUTATE_ONLY=3,17: rerun those mutants (numbers from the JSON)
        wanted = {int(number) for number in os.environ["MUTATE_ONLY"].split(",")}
        planned = [(index, plan) for index, plan in planned if index in wanted]
    started = time.monotonic()
    tests = Session(session.items)
    covered = tests.baseline(path)
    baseline = time.monotonic() - started

    swapper = Swapper(module, path)
    mutants = []
    for index, plan in planned:
        mutated, description = apply(tree, plan)
        mutant = Mutant(index, plan.line, description)
        mutants.append(mutant)
        everywhere = plan.module_level and not plan.lines  # a table other modules read: every test
        reaching = list(session.items) if everywhere else [t for t in session.items if covered[t] & plan.lines]
        known = config.get("equivalent", ())
        why = next((why for line, change, why in known if line == plan.line and description.startswith(change)), "")
        if why:
            mutant.status, mutant.killed_by = "equivalent", why
        elif reaching:
            try_mutant(tests, swapper, mutated, plan, reaching, mutant)
        else:
            mutant.status = "survived (no test runs this line)"
        print(
            f"  {index:3} {mutant.status:8} line {mutant.line}: {description}  {mutant.killed_by}", file=sys.__stderr__
        )
    session._setupstate.teardown_exact(None)
    report(relative, mutants, baseline, time.monotonic() - started)
    return True


def report(relative: str, mutants: list[Mutant], baseline: float, took: float) -> None:
    killed = sum(m.status == "killed" for m in mutants)
    errors = sum(m.status.startswith("error") for m in mutants)
    equivalent = sum(m.status == "equivalent" for m in mutants)
    scored = len(mutants) - errors - equivalent
    score = 100 * killed / scored if scored else 100.0
    OUTPUT.mkdir(parents=True, exist_ok=True)
    result = {
        "module": relative,
        "mutants": len(mutants),
        "killed": killed,
        "errors": errors,
        "equivalent": equivalent,
        "score": round(score, 1),
        "seconds": round(took),
        "baseline_seconds": round(baseline),
        "details": [asdict(m) for m in mutants],
    }
    (OUTPUT / (relative.replace("/", ".") + ".json")).write_text(json.dumps(result, indent=1))


def main(argv: list[str]) -> int:
    chosen = argv or list(MODULES)
    unknown = [name for name in chosen if name not in MODULES]
    if unknown:
        print(f"Not a mutated module: {', '.join(unknown)}; choose from {', '.join(MODULES)}")
        return 2
    rows = []
    for relative in chosen:
        print(f"{relative}: running its tests, then each mutant …", flush=True)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tools.mutation"]
        environment = {**os.environ, "MUTATE_MODULE": relative, "PYTHONPATH": str(ROOT)}
        tests = [test for test in MODULES[relative]["tests"] if (ROOT / test).exists()]
        if not tests:  # pytest given no path would run the whole suite
            print(f"  {relative}: none of its tests exist")
            continue
        (OUTPUT / (relative.replace("/", ".") + ".json")).unlink(missing_ok=True)
        subprocess.run([*command, *tests], cwd=ROOT, env=environment, check=False)  # noqa: S603
        written = OUTPUT / (relative.replace("/", ".") + ".json")
        if not written.exists():
            print(f"  {relative}: the run failed, see above")
            continue
        result = json.loads(written.read_text())
        for mutant in result["details"]:
            if mutant["status"] != "killed":
                why = f"  ({mutant['killed_by']})" if mutant["status"] == "equivalent" else ""
                print(f"  {mutant['status']}: {relative}:{mutant['line']}  {mutant['description']}{why}")
        rows.append(result)
    print("\nmodule                                 mutants  killed  score  time")
    for r in rows:
        scored = r["mutants"] - r["errors"] - r["equivalent"]
        print(f"{r['module']:38} {scored:7} {r['killed']:7} {r['score']:5}%  {r['seconds']:4}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
