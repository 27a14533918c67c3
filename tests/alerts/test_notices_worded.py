"""Every notice an app sends is worded in each language (alerts.wording), never translated once
in the sender's: a guard over the source, as a notice sent the old way reads wrong only to the
readers of the other language, whom no test of the sender's flow would be."""

from __future__ import annotations

import ast
from pathlib import Path

import epigrid

SENDERS = {"notify", "notify_users"}
TRANSLATING = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}
SOURCE = Path(epigrid.__file__).parent


def _is_sender(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name) and func.id == "partial" and call.args:
        func = call.args[0]  # functools.partial(notify, ...)
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""
    return name in SENDERS


def _translated_once(node: ast.AST) -> bool:
    """Whether the text is made in the language active when it is sent (what `worded()`
    composes is made in each language)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "worded":
            return False
        if node.func.id in TRANSLATING:
            return True
    return any(_translated_once(child) for child in ast.iter_child_nodes(node))


def sent_the_old_way() -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "alerts" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _is_sender(node):
                texts = [*node.args, *(k.value for k in node.keywords
                                       if k.arg in ("title", "body"))]
                if any(_translated_once(text) for text in texts):
                    found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def test_every_notice_is_worded_in_each_language() -> None:
    assert sent_the_old_way() == []


def test_the_guard_sees_a_notice_translated_once() -> None:
    sample = ast.parse('notify([area], roles, _("Fever at %(x)s") % {"x": 1}, link="/")\n'
                       'transaction.on_commit(partial(notify, [p], roles, f"{n} missed"))\n'
                       'notify([area], roles, worded(lambda: (_("t"), "")), link="/")\n')
    calls = sorted((node for node in ast.walk(sample)
                    if isinstance(node, ast.Call) and _is_sender(node)),
                   key=lambda node: node.lineno)
    assert [any(_translated_once(text) for text in call.args) for call in calls] == [
        True, True, False]
