"""The case state machine: the states of the four categories 四类人员 and every allowed move.

This table is the one place the workflow lives; docs/cases.md draws it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    FEVER = "fever", _("fever, not ruled out")  # 发热(不能排除)
    SUSPECTED = "suspected", _("suspected")  # 疑似
    CONFIRMED = "confirmed", _("confirmed")  # 确诊
    ASYMPTOMATIC = "asymptomatic", _("asymptomatic infection")  # 无症状感染者
    CLOSE_CONTACT = "close_contact", _("close contact")  # 密接
    QUARANTINED = "quarantined", _("in quarantine")  # 隔离中
    ADMITTED = "admitted", _("admitted")  # 收治
    RELEASED = "released", _("released from quarantine")  # 解除隔离
    EXCLUDED = "excluded", _("excluded")  # 排除
    RECOVERED = "recovered", _("recovered")  # 治愈出院
    DIED = "died", _("died")  # 死亡


class Category(models.TextChoices):
    """The four categories counted every day, plus asymptomatic infections counted apart."""

    CONFIRMED = "confirmed", _("confirmed")
    SUSPECTED = "suspected", _("suspected")
    FEVER = "fever", _("fever")
    CLOSE_CONTACT = "close_contact", _("close contact")
    ASYMPTOMATIC = "asymptomatic", _("asymptomatic")


S = State
# A case is opened in one of these.
INITIAL: frozenset[str] = frozenset({S.FEVER, S.SUSPECTED, S.CONFIRMED, S.ASYMPTOMATIC,
                                     S.CLOSE_CONTACT})
TRANSITIONS: dict[str, frozenset[str]] = {
    S.FEVER: frozenset({S.SUSPECTED, S.CONFIRMED, S.ASYMPTOMATIC, S.EXCLUDED}),
    S.SUSPECTED: frozenset({S.CONFIRMED, S.ASYMPTOMATIC, S.EXCLUDED}),
    S.CLOSE_CONTACT: frozenset({S.QUARANTINED, S.FEVER, S.SUSPECTED, S.CONFIRMED,
                                S.ASYMPTOMATIC, S.EXCLUDED}),
    S.QUARANTINED: frozenset({S.RELEASED, S.FEVER, S.SUSPECTED, S.CONFIRMED, S.ASYMPTOMATIC}),
    S.ASYMPTOMATIC: frozenset({S.CONFIRMED, S.ADMITTED, S.RELEASED}),
    S.CONFIRMED: frozenset({S.ADMITTED, S.DIED}),
    S.ADMITTED: frozenset({S.RECOVERED, S.DIED}),
    S.RELEASED: frozenset(),
    S.EXCLUDED: frozenset(),
    S.RECOVERED: frozenset(),
    S.DIED: frozenset(),
}
# A case in one of these is closed; the person may get a new case later.
TERMINAL: frozenset[str] = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)
# Moves that need evidence, a test result or a clinician's diagnosis: every move into an
# infection (confirmed, asymptomatic), out of quarantine (released), and ruling a patient out.
# A close contact found not to be one is excluded by the tracer's word.
PROVEN_STATES: frozenset[str] = frozenset({S.CONFIRMED, S.ASYMPTOMATIC, S.RELEASED})
NEEDS_EVIDENCE: frozenset[tuple[str, str]] = frozenset(
    (current, target) for current, targets in TRANSITIONS.items() for target in targets
    if target in PROVEN_STATES or (target == S.EXCLUDED and current != S.CLOSE_CONTACT))
# Where a positive nucleic-acid result takes an open case (symptoms known: confirmed;
# none known: asymptomatic). A person without an open case gets a new asymptomatic case.
ON_POSITIVE: dict[str, str] = {
    S.FEVER: S.CONFIRMED, S.SUSPECTED: S.CONFIRMED, S.CLOSE_CONTACT: S.ASYMPTOMATIC,
    S.QUARANTINED: S.ASYMPTOMATIC,
}
POSITIVE_NEW_CASE = S.ASYMPTOMATIC
# The category a state counts in ("under management now" per category).
CATEGORY_OF: dict[str, str] = {
    S.FEVER: Category.FEVER, S.SUSPECTED: Category.SUSPECTED, S.CONFIRMED: Category.CONFIRMED,
    S.ADMITTED: Category.CONFIRMED, S.ASYMPTOMATIC: Category.ASYMPTOMATIC,
    S.CLOSE_CONTACT: Category.CLOSE_CONTACT, S.QUARANTINED: Category.CLOSE_CONTACT,
}


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def needs_evidence(current: str, target: str) -> bool:
    return (current, target) in NEEDS_EVIDENCE
