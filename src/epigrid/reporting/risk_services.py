"""Risk levels 风险等级: the rules propose, the command confirms or overrides, history is kept.

- `propose_levels(day)` runs the rules (risk_rules.py) over every town and village and keeps one
  pending `RiskProposal` per area whose proposed level differs from its current one (run again
  the same day, it updates the day's pending proposals; an older pending proposal of the area is
  superseded; an area the rules now leave where it is has none). A fixed number of queries.
- `confirm_proposal` / `override_proposal` (Capability.CHANGE_RISK) decide one: a decision that
  changes the level goes through `areas.services.change_risk_level`, so the area's risk history
  (`RiskLevelChange`) keeps who, when and why; the proposal keeps the decision and its note.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, RiskLevel
from epigrid.areas.services import change_risk_level
from epigrid.core.access import Capability, can
from epigrid.reporting.models import ProposalStatus, RiskProposal
from epigrid.reporting.risk_rules import RISK_AREA_LEVELS, evaluate, window_sums
from epigrid.reporting.services import check_day

MAX_NOTE = 500


@transaction.atomic
def propose_levels(day: datetime.date | None = None,
                   at: datetime.datetime | None = None) -> list[RiskProposal]:
    """Propose the levels of `day` (today by default): the day's pending proposals."""
    at = at or timezone.now()
    day = day or timezone.localdate(at)
    check_day(day, at)
    areas = list(Area.objects.filter(level__in=RISK_AREA_LEVELS).order_by("path")
                 .values_list("id", "path", "risk_level"))
    sums = window_sums(day)
    existing = {p.area_id: p for p in RiskProposal.objects.filter(day=day)}
    new: list[RiskProposal] = []
    changed: list[RiskProposal] = []
    stale: list[int] = []  # areas whose pending proposals the rules no longer make
    for area_id, path, current in areas:
        verdict = evaluate(sums.get(area_id, {}), day)
        found = existing.get(area_id)
        if verdict.level == current:
            stale.append(area_id)
            continue
        if found is None:
            new.append(RiskProposal(area_id=area_id, area_path=path, day=day,
                                    proposed_level=verdict.level, current_level=current,
                                    rule=verdict.rule, reason=verdict.reason,
                                    figures=verdict.figures))
        elif found.is_pending:
            found.proposed_level, found.current_level = verdict.level, current
            found.rule, found.reason, found.figures = verdict.rule, verdict.reason, verdict.figures
            changed.append(found)
    proposing = [p.area_id for p in new] + [p.area_id for p in changed]
    # Older pending proposals give way to the day's; the day's own give way when the rules agree
    # with the current level now.
    RiskProposal.objects.filter(status=ProposalStatus.PENDING, day__lt=day,
                                area_id__in=proposing + stale).update(
        status=ProposalStatus.SUPERSEDED, updated_at=at)
    RiskProposal.objects.filter(status=ProposalStatus.PENDING, day=day,
                                area_id__in=stale).update(
        status=ProposalStatus.SUPERSEDED, updated_at=at)
    RiskProposal.objects.bulk_update(
        changed, ["proposed_level", "current_level", "rule", "reason", "figures"])
    RiskProposal.objects.bulk_create(new, batch_size=1000)
    return list(RiskProposal.objects.filter(day=day, status=ProposalStatus.PENDING)
                .order_by("area_path"))


def _decide(proposal: RiskProposal, by: Any) -> RiskProposal:
    if not can(by, Capability.CHANGE_RISK):
        raise PermissionDenied(_("Your role may not change risk levels."))
    locked = RiskProposal.objects.select_for_update().select_related("area").get(pk=proposal.pk)
    if not locked.is_pending:
        raise ValidationError({"status": [_("This proposal was already %(status)s.")
                                          % {"status": locked.get_status_display()}]})
    return locked


def _apply(area: Area, level: str, reason: str, by: Any, at: datetime.datetime) -> bool:
    """Move the area to `level` through the areas app (history kept); False: already there."""
    if Area.objects.filter(pk=area.pk, risk_level=level).exists():
        return False
    change_risk_level(area, level, reason=reason[:500], changed_by=by,
                      effective_on=timezone.localdate(at))
    return True


def _finish(proposal: RiskProposal, status: str, level: str, by: Any, note: str,
            at: datetime.datetime) -> RiskProposal:
    proposal.status, proposal.decided_level = status, level
    proposal.decided_by, proposal.decided_at, proposal.note = by, at, note
    proposal.save()
    return proposal


@transaction.atomic
def confirm_proposal(proposal: RiskProposal, *, by: Any, note: str = "",
                     at: datetime.datetime | None = None) -> RiskProposal:
    """The command agrees with the rules: the area takes the proposed level."""
    at = at or timezone.now()
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": [_("Keep the note to %(n)d characters.")
                                        % {"n": MAX_NOTE}]})
    locked = _decide(proposal, by)
    reason = _("Confirmed proposal of %(day)s: %(reason)s") % {
        "day": locked.day.isoformat(), "reason": locked.reason}
    _apply(locked.area, locked.proposed_level, f"{reason} {note}".strip(), by, at)
    return _finish(locked, ProposalStatus.CONFIRMED, locked.proposed_level, by, note, at)


@transaction.atomic
def override_proposal(proposal: RiskProposal, *, level: str, by: Any, note: str,
                      at: datetime.datetime | None = None) -> RiskProposal:
    """The command decides otherwise (keeping the current level, or another), saying why."""
    at = at or timezone.now()
    note = note.strip()
    errors: dict[str, list[str]] = {}
    if level not in RiskLevel.values:
        errors["level"] = [_("Choose a risk level: low, medium or high (got “%(level)s”).")
                           % {"level": level}]
    elif level == proposal.proposed_level:
        errors["level"] = [_("That is the proposed level: confirm the proposal instead.")]
    if not note:
        errors["note"] = [_("Say why you override the proposed level.")]
    elif len(note) > MAX_NOTE:
        errors["note"] = [_("Keep the note to %(n)d characters.") % {"n": MAX_NOTE}]
    locked = _decide(proposal, by)
    if errors:
        raise ValidationError(errors)
    reason = _("Overrode the proposal of %(day)s (%(proposed)s): %(note)s") % {
        "day": locked.day.isoformat(), "proposed": locked.get_proposed_level_display(),
        "note": note}
    _apply(locked.area, level, reason, by, at)
    return _finish(locked, ProposalStatus.OVERRIDDEN, level, by, note, at)
