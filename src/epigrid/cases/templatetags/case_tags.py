"""Template tags that let another app's page show a person's cases without importing cases.

The registry's person page includes `cases/case__person_panel.html`, which loads these: the
dependency stays in templates, so registry (a lower floor) never imports the cases app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from epigrid.cases.models import Case
from epigrid.core.access import Capability, can

register = template.Library()
PAST_LIMIT = 20


@dataclass(frozen=True)
class PersonCases:
    open: Case | None
    past: list[Case]
    may_open: bool


@register.simple_tag
def person_cases(person: Any, user: Any) -> PersonCases:
    """The person's open case and up to PAST_LIMIT closed ones that `user` may see."""
    cases = list(Case.objects.restrict(user).filter(person=person)
                 .order_by("-is_open", "-state_since", "-id")[: PAST_LIMIT + 1])
    current = cases[0] if cases and cases[0].is_open else None
    past = [case for case in cases if not case.is_open][:PAST_LIMIT]
    return PersonCases(open=current, past=past,
                       may_open=current is None and can(user, Capability.CHANGE_CASES))
