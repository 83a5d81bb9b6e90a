"""Every refusal, skip reason and import warning the code can produce has Chinese (issue 13 item 1).

The package's source is walked with `ast` (nothing is run): each `raise InputError(...)` (and every
other HarasslogError subclass), each `Skipped(ref, reason)`, each `Notice(...)` and
`summary.warnings.append(...)` of the importers, and each text the CLI hands to `i18n.error` itself
(sqlite's errors). A message written as a string or f-string becomes a sample (each {expr} a
placeholder value); a name or call is followed to the strings it can hold (a module constant, a dict
of reasons, a helper's returned strings), and a message built from its function's parameters
(`_fail(source, where, message)`) is taken at every call of that function. Each sample must be matched by the
catalog section the command line translates it through (cli/i18n.py: `error()` for refusals,
`phrase()` for reasons and warnings) and come out with Chinese in it. A message looked up from the
catalog where it is raised (`t(lang, "key")`, `common.words(store, "key")`) must name an entry with zh.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

import harasslog
from harasslog import catalog
from harasslog.cli import i18n

PACKAGE = Path(harasslog.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
ERRORS = ("InputError", "HarasslogError", "VerificationFailed")
SAMPLE = "X9"  # what each {expr} of an f-string stands for: plain ASCII, so any Chinese is the catalog's

# Messages the walk cannot follow to a text, by file and expression, each with why it needs no entry.
ALLOWED: dict[str, str] = {
    "harasslog/cli/__init__.py: str(exc)": "the HarasslogError being printed: each is collected where it is raised",
    "harasslog/times.py: str(exc)": "read_when's InputError re-raised with its field: already in the user's language",
    "harasslog/ingest.py: record.message": "a Notice's message: each Notice(...) is collected where it is made",
    "harasslog/cli/evidence.py: str(exc)": (
        "init's question asked again after an InputError (check_region, zone): collected where raised"
    ),
}


@dataclass(frozen=True)
class Message:
    where: str  # file:line
    kind: str  # "error", "reason", "warning" or "key" (a catalog key looked up where it is raised)
    text: str  # the sample (or the key)


class _Unresolved(Exception):
    pass


KEY = "\x00key:"  # marks a catalog key among the texts: `t(lang, "cli.time.bad")` where it is raised
Env = dict[str, list[str]]  # a helper's parameters: the texts its callers give them


def _modules() -> dict[str, ast.Module]:
    return {str(p.relative_to(PACKAGE.parent)): ast.parse(p.read_text("utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def _error_classes(modules: dict[str, ast.Module]) -> set[str]:
    """HarasslogError and every class deriving from one, by name, across the package."""
    classes = [
        (n.name, {_name(b) for b in n.bases})
        for t in modules.values()
        for n in ast.walk(t)
        if isinstance(n, ast.ClassDef)
    ]
    names = set(ERRORS)
    while grown := {name for name, bases in classes if bases & names} - names:
        names |= grown
    return names


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _params(func: ast.FunctionDef | None) -> list[str]:
    return [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)] if func else []


class _Module:
    """One module's constants and functions, to follow a message written as a name or a call."""

    def __init__(self, tree: ast.Module, package: _Module | None = None) -> None:
        self.constants: dict[str, ast.expr] = dict(package.constants) if package else {}
        self.functions: dict[str, ast.FunctionDef] = dict(package.functions) if package else {}
        self.assigns: dict[int, dict[str, list[ast.expr]]] = {}  # per function: name -> values
        for node in tree.body:  # the module's own names after the package's: they win
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                self.constants.update({t.id: node.value for t in targets if isinstance(t, ast.Name)})
            elif isinstance(node, ast.FunctionDef):
                self.functions[node.name] = node

    def texts(self, node: ast.expr, scope: ast.FunctionDef | None, env: Env, depth: int = 0) -> list[str]:
        """Every text `node` can hold: each {expr} of an f-string as SAMPLE, or as its caller gave it."""
        if depth > 8:
            raise _Unresolved("too deep")
        deeper = depth + 1
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            texts = [""]
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts = [str(value.value)]
                elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name):
                    given = env.get(value.value.id, [SAMPLE])
                    parts = [repr(g) if value.conversion == ord("r") and g != SAMPLE else g for g in given]
                elif isinstance(value, ast.FormattedValue) and self._helper(value.value):
                    try:  # {describe_sqlite_error(exc)}: its texts; {printable(cell)}: a value
                        parts = self.texts(value.value, scope, env, deeper)
                    except _Unresolved:
                        parts = [SAMPLE]
                else:
                    parts = [SAMPLE]
                texts = [t + p for t in texts for p in parts]
            return texts
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.texts(node.left, scope, env, deeper), self.texts(node.right, scope, env, deeper)
            return [a + b for a in left for b in right]
        if isinstance(node, ast.Call) and _name(node.func) == "join":  # ", ".join(names): a value
            return [SAMPLE]
        if isinstance(node, ast.BoolOp):  # `reason or "no sms type"`: either
            return [t for v in node.values for t in self.texts(v, scope, env, deeper)]
        if isinstance(node, ast.IfExp):
            return self.texts(node.body, scope, env, deeper) + self.texts(node.orelse, scope, env, deeper)
        key = self._catalog_key(node, scope, env, deeper)
        if key is not None:
            return [KEY + k for k in key]
        table = self._dict(node, scope)
        if table is not None:
            return [t for v in table.values if v is not None for t in self.texts(v, None, {}, deeper)]
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            local = self._assigned(node.id, scope)
            if local:
                return [t for v in local for t in self.texts(v, scope, env, deeper)]
            if node.id in self.constants:
                return self.texts(self.constants[node.id], None, {}, deeper)
            raise _Unresolved(node.id)
        if isinstance(node, ast.Call) and _name(node.func) in self.functions:
            return self._returns(self.functions[_name(node.func)], node, scope, env, deeper)
        raise _Unresolved(ast.unparse(node))

    def _helper(self, node: ast.expr) -> bool:
        """A call of a package function that returns text (its texts are part of the message)."""
        if not (isinstance(node, ast.Call) and _name(node.func) in self.functions):
            return False
        returns = self.functions[_name(node.func)].returns
        return returns is not None and ast.unparse(returns) == "str"

    def _catalog_key(self, node: ast.expr, scope: ast.FunctionDef | None, env: Env, depth: int) -> list[str] | None:
        """The keys of `t(lang, "key", ...)` or `common.words(store, "key", ...)`."""
        if (
            isinstance(node, ast.Call)
            and _name(node.func) in ("t", "words", "catalog_t", "tell")
            and len(node.args) >= 2
        ):
            return self.texts(node.args[1], scope, env, depth)
        return None

    def _dict(self, node: ast.expr, scope: ast.FunctionDef | None) -> ast.Dict | None:
        """The module dict literal `node` reads from: TABLE[key], TABLE.get(key), or a name bound to one."""
        base = None
        if isinstance(node, ast.Subscript):
            base = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            base = node.func.value
        if not isinstance(base, ast.Name):
            return None
        names = [base] + [v for v in self._assigned(base.id, scope) if isinstance(v, ast.Name)]
        tables = [self.constants.get(n.id) for n in names]
        found = [t for t in tables if isinstance(t, ast.Dict)]
        if not found:
            return None
        return ast.Dict(keys=[k for t in found for k in t.keys], values=[v for t in found for v in t.values])

    def _assigned(self, name: str, scope: ast.FunctionDef | None) -> list[ast.expr]:
        """What `name` is assigned in the function (unpacked from a choice of tuples: each candidate)."""
        if scope is None:
            return []
        if id(scope) not in self.assigns:
            self.assigns[id(scope)] = _assignments(scope)
        return self.assigns[id(scope)].get(name, [])

    def _returns(
        self, func: ast.FunctionDef, call: ast.Call, scope: ast.FunctionDef | None, env: Env, depth: int
    ) -> list[str]:
        """The texts a helper returns (a reason: skip_reason, _date), its parameters as `call` gives them."""
        inner = _bind(self, func, call, scope, env, depth)
        found: list[str] = []
        for node in ast.walk(func):
            if isinstance(node, ast.Return) and node.value is not None:
                try:
                    found.extend(self.texts(node.value, func, inner, depth))
                except _Unresolved:
                    continue  # a datetime, a tuple, None: not a message
        if not found:
            raise _Unresolved(f"{func.name}() returns no text")
        return found


def _assignments(scope: ast.FunctionDef) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(scope):
        if not isinstance(node, ast.Assign):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(node.value)
        elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.IfExp):
            # `known, skip = (A, A_SKIP) if x else (B, B_SKIP)`: skip is either
            for i, element in enumerate(target.elts):
                for branch in (node.value.body, node.value.orelse):
                    if isinstance(element, ast.Name) and isinstance(branch, ast.Tuple):
                        found.setdefault(element.id, []).append(branch.elts[i])
    return found


def _bind(
    module: _Module, func: ast.FunctionDef, call: ast.Call, scope: ast.FunctionDef | None, env: Env, depth: int
) -> Env:
    """`func`'s parameters as texts, from the arguments of `call` (SAMPLE where one is not text)."""

    def value(node: ast.expr) -> list[str]:
        try:
            return module.texts(node, scope, env, depth + 1)
        except _Unresolved:
            return [SAMPLE]

    names = _params(func)
    bound = {n: value(a) for n, a in zip(names, call.args, strict=False) if not isinstance(a, ast.Starred)}
    bound.update({k.arg: value(k.value) for k in call.keywords if k.arg})
    return bound


def _scopes(tree: ast.AST) -> Iterator[tuple[ast.FunctionDef | None, ast.AST]]:
    """Every node with the function it is in (None at module level)."""
    stack: list[tuple[ast.FunctionDef | None, ast.AST]] = [(None, tree)]
    while stack:
        scope, node = stack.pop()
        yield scope, node
        inner = node if isinstance(node, ast.FunctionDef) else scope
        stack.extend((inner, child) for child in ast.iter_child_nodes(node))


def _site(node: ast.Call, classes: set[str]) -> tuple[str, ast.expr] | None:
    """(kind, the message's expression) if `node` makes an error, a skip reason or a warning."""
    name = _name(node.func)
    if name in classes and node.args:
        return "error", node.args[0]
    if name == "Skipped" and len(node.args) >= 2:
        return "reason", node.args[1]
    if name == "Notice" and node.args:
        return "warning", node.args[0]
    if ast.unparse(node.func).endswith("warnings.append") and node.args:
        return "warning", node.args[0]
    if ast.unparse(node.func) == "i18n.error" and node.args:  # printed as an error where it is met
        return "error", node.args[0]
    return None


def _uses(node: ast.expr, params: list[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(node))


Calls = dict[str, list[tuple[ast.FunctionDef | None, ast.Call]]]


def _envs(module: _Module, calls: Calls, func: ast.FunctionDef, depth: int = 0) -> list[Env]:
    """`func`'s parameters at each of its calls; an argument that is the caller's own parameter
    (`bad(message)` calling `_fail(source, where, message)`) taken at the caller's calls in turn."""
    found: list[Env] = []
    for caller, call in calls.get(func.name, []):
        outer: list[Env] = [{}]
        if caller is not None and depth < 3 and calls.get(caller.name) and _uses(call, _params(caller)):
            outer = _envs(module, calls, caller, depth + 1) or [{}]
        found.extend(_bind(module, func, call, caller, env, 0) for env in outer)
    return found


@cache
def collect() -> tuple[tuple[Message, ...], tuple[tuple[str, str], ...]]:
    """(every message found, every (where, expression) that could not be followed).

    A message built from its function's parameters (`_fail(source, where, message)`) is taken at
    each call of that function in its module, with the arguments given there."""
    modules = _modules()
    classes = _error_classes(modules)
    found: list[Message] = []
    unresolved: list[tuple[str, str]] = []
    package = _Module(ast.Module(body=[n for t in modules.values() for n in t.body], type_ignores=[]))
    for path, tree in modules.items():
        module = _Module(tree, package)
        nodes = list(_scopes(tree))
        calls: Calls = {}
        bound: dict[int, list[Env]] = {}  # a function's parameters at its calls, once per function
        for scope, node in nodes:
            if isinstance(node, ast.Call):
                calls.setdefault(_name(node.func), []).append((scope, node))
        for scope, node in nodes:
            site = _site(node, classes) if isinstance(node, ast.Call) else None
            if site is None:
                continue
            kind, arg = site
            where = f"{path}:{getattr(node, 'lineno', 0)}"
            envs: list[Env] = [{}]
            if scope is not None and _uses(arg, _params(scope)) and calls.get(scope.name):
                if id(scope) not in bound:
                    bound[id(scope)] = _envs(module, calls, scope)
                envs = bound[id(scope)]
            for env in envs:
                try:
                    texts = module.texts(arg, scope, env)
                except _Unresolved:
                    unresolved.append((where, ast.unparse(arg)))
                    break
                for text in dict.fromkeys(texts):
                    if text.startswith(KEY):
                        found.append(Message(where, "key", text.removeprefix(KEY)))
                    else:
                        found.append(Message(where, kind, text))
    return tuple(found), tuple(unresolved)


SECTIONS = {"reason": i18n.REASONS, "warning": i18n.WARNINGS}


def in_chinese(message: Message) -> str:
    """The message as `--lang zh` prints it."""
    if message.kind == "error":
        return i18n.error(message.text, "zh")
    return i18n.phrase(message.text, "zh", SECTIONS[message.kind])


def test_every_message_found_has_chinese() -> None:
    found, _ = collect()
    known = catalog.entries()
    missing = []
    for message in found:
        if message.kind == "key":
            if not CJK.search(known.get(message.text, {}).get("zh", "")):
                missing.append(f"{message.where}: catalog key {message.text} has no Chinese")
            continue
        shown = in_chinese(message)
        if shown == message.text or not CJK.search(shown):
            missing.append(f"{message.where}: [{message.kind}] {message.text}")
    assert not missing, f"{len(missing)} of {len(found)} messages have no Chinese:\n" + "\n".join(missing)


def test_every_message_can_be_followed() -> None:
    """A message the walk cannot follow to its text could be English for ever: each is named here."""
    _, unresolved = collect()
    left = [f"{where}: {expr}" for where, expr in unresolved if f"{where.split(':')[0]}: {expr}" not in ALLOWED]
    assert not left, "messages the walk cannot follow (write them as text, or allow them with a reason):\n" + "\n".join(
        left
    )


def test_the_walk_finds_the_refusals_it_must() -> None:
    """The walk sees known messages of each kind and each way of writing them (so that a walk that
    found nothing could not pass the tests above)."""
    found, _ = collect()
    texts = {(m.kind, m.text) for m in found}
    assert ("error", f"{SAMPLE}: the file is empty") in texts  # an f-string
    assert ("error", "a party needs a name") in texts  # a plain string
    assert ("error", "PDF output needs WeasyPrint: pip install 'harasslog[pdf]'") in texts  # a module constant
    assert ("error", f"{SAMPLE}: rule {SAMPLE}: duplicate id") in texts  # through _fail(source, where, message)
    assert (
        "error",
        f"{SAMPLE}: disk full: free some space and try again (what this command was writing was not stored)",
    ) in texts
    assert ("reason", "draft") in texts  # a value of SMS_NOT_SENT, returned by skip_reason
    assert ("reason", "no sms type") in texts  # skip_reason's f"no {what}" with what="sms type"
    assert ("reason", "unreadable time") in texts  # returned by a time helper
    assert any(m.kind == "warning" and m.text.startswith(f"{SAMPLE}: {SAMPLE} rows whose type") for m in found)
    assert ("key", "cli.guard.sms_blank") in texts  # looked up where it is raised
    assert sum(m.kind == "error" for m in found) > 300


@pytest.mark.parametrize(
    ("kind", "english", "chinese"),
    [
        ("error", "notes.txt: the file is empty", "notes.txt：文件是空的"),
        (
            "error",
            "bills.xls: an old Excel .xls workbook (or another Office 97-2003 file), which is not read: open it "
            "and save it as .xlsx or .csv, then import that (旧版 .xls：请另存为 .xlsx 或 .csv 后再导入)",
            "bills.xls：这是旧版 Excel .xls 表格（或其他 Office 97-2003 文件），无法读取："
            "请用 Excel 或 WPS 打开，另存为 .xlsx 或 .csv，再导入另存的文件",
        ),
        ("error", "x.toml: rule CN-1: missing id (a non-empty string)", "x.toml: rule CN-1：缺少 id（应为非空字符串）"),
        ("error", "case.toml: parties: missing 'name'", "case.toml：parties：缺少 'name'"),
        ("reason", "unreadable time", "时间无法识别"),
    ],
)
def test_english_is_unchanged_and_chinese_keeps_the_names(kind: str, english: str, chinese: str) -> None:
    message = Message("", kind, english)
    assert (i18n.error(english, "en") if kind == "error" else i18n.phrase(english, "en", SECTIONS[kind])) == english
    assert in_chinese(message) == chinese
