"""Writes of labs and their nucleic-acid results 核酸检测结果, and the positive-result workflow.

A result is matched to a person through the keyed hash of its ID number, within the area of the
user who records it: exactly one person makes it "matched" (it takes the person's grid path);
none or several leave it "unmatched", in the lab's area, where the lab's team assigns a person
or discards it. A sample is stored once per lab: a resend with the same content changes nothing,
a pending result may become final, and a final result is never overwritten.

A positive result on a matched person moves the person's open case along `states.ON_POSITIVE`
(or opens one in `states.POSITIVE_NEW_CASE`) in the same transaction, with the test as evidence;
the notices go out after the commit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Area, Level
from epigrid.cases import services, states
from epigrid.cases.lab_parsing import check_times
from epigrid.cases.models import Case, Evidence, Lab, LabTest, Source
from epigrid.core import audit
from epigrid.core.access import Role, ScopedUser
from epigrid.core.constraints import checked_at_once
from epigrid.core.identity import mask_id_number, parse_id_number
from epigrid.core.imports import parsers
from epigrid.registry.fields import protect
from epigrid.registry.models import Person
from epigrid.registry.services import ID_FIELD

R = LabTest.Result
M = LabTest.Match
SAMPLE_ID_MAX = 64
NAME_MAX = 100
# What makes two deliveries of one sample "the same content".
CONTENT = ("id_number_hash", "name", "sampled_at", "resulted_at", "result")


@dataclass(frozen=True)
class Recorded:
    """What recording one result did: "created", "updated" or "unchanged"."""

    test: LabTest
    outcome: str
    case: Case | None = None


# --- labs ------------------------------------------------------------------------------------

@transaction.atomic
def save_lab(*, code: str, name: str, area: Area, daily_capacity: int,
             lab: Lab | None = None) -> Lab:
    """Create a lab, or change one (code, name, area, tests per day)."""
    try:
        code = parsers.parse_code(code)
    except parsers.CellError as error:
        raise ValidationError({"code": error.message}) from None
    if Lab.objects.filter(code=code).exclude(pk=lab.pk if lab else None).exists():
        raise ValidationError({"code": _("Another lab has the code %(code)s.") % {"code": code}})
    if daily_capacity < 0:
        raise ValidationError({"daily_capacity": _("A capacity cannot be negative.")})
    target = lab or Lab()
    target.code, target.name, target.area, target.daily_capacity = (
        code, name.strip(), area, daily_capacity)
    target.full_clean()
    if lab is None:
        target.save()
    else:
        target.save(update_fields=["code", "name", "area", "daily_capacity"])
    return target


# --- one result ------------------------------------------------------------------------------

def clean_sample_id(raw: str) -> str:
    value = "".join(parsers.normalize(raw).split()).lstrip("'")
    if not value:
        raise ValidationError({"sample_id": _("A sample id is required.")})
    if len(value) > SAMPLE_ID_MAX:
        raise ValidationError({"sample_id": _("A sample id has at most %(max)s characters.")
                               % {"max": SAMPLE_ID_MAX}})
    return value


def sealed_id(raw: str) -> tuple[str, str, str]:
    """(ciphertext, keyed hash, masked) of a raw ID number; ("", "", "") when empty."""
    if not raw.strip():
        return "", "", ""
    try:
        value = parse_id_number(raw).value
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    sealed = protect(value, ID_FIELD, mask_id_number)
    return sealed.enc, sealed.hash, sealed.masked


def match_person(user: ScopedUser | None, id_hash: str) -> Person | None:
    """The one person of the user's area with this ID hash; None for none or several."""
    if not id_hash:
        return None
    persons = Person.objects.all() if user is None else Person.objects.restrict(user)
    found = list(persons.filter(id_number_hash=id_hash).order_by()[:2])
    return found[0] if len(found) == 1 else None


def _validate(result: str, sampled_at: datetime.datetime,
              resulted_at: datetime.datetime | None, name: str) -> None:
    if timezone.is_naive(sampled_at) or (resulted_at and timezone.is_naive(resulted_at)):
        raise ValueError("lab times must be aware")
    errors: dict[str, Any] = dict(check_times(sampled_at, resulted_at, timezone.now()))
    if result not in R.values:
        errors["result"] = _("Unknown result %(result)s.") % {"result": result}
    elif result != R.PENDING and resulted_at is None:
        errors.setdefault("resulted_at", _("A final result needs the time it was made."))
    if len(name) > NAME_MAX:
        errors["name"] = _("A name has at most %(max)s characters.") % {"max": NAME_MAX}
    if errors:
        raise ValidationError(errors)


def conflict(existing: LabTest, new: dict[str, Any]) -> str | None:
    """Why `new` may not replace the stored final result `existing` (None: it may)."""
    if existing.result == R.PENDING:
        return None
    if new["result"] != existing.result:
        return _("Sample %(sample)s already has the result %(result)s.") % {
            "sample": existing.sample_id, "result": existing.get_result_display()}
    return _("Sample %(sample)s already has its final result, with other details; a final "
             "result is not changed.") % {"sample": existing.sample_id}


@transaction.atomic
def record_result(lab: Lab, *, sample_id: str, id_number: str, name: str,
                  sampled_at: datetime.datetime, resulted_at: datetime.datetime | None,
                  result: str, by: Any) -> Recorded:
    """Store one result of `lab` (idempotent per sample), match it, run the positive workflow."""
    sample_id = clean_sample_id(sample_id)
    name = " ".join(parsers.normalize(name).split())
    _validate(result, sampled_at, resulted_at, name)
    enc, id_hash, masked = sealed_id(id_number)
    if result == R.PENDING:
        resulted_at = None  # a pending sample has no result time yet; the lab sends it later
    new = {"id_number_hash": id_hash, "name": name, "sampled_at": sampled_at,
           "resulted_at": resulted_at, "result": result}
    existing = LabTest.objects.select_for_update().filter(lab=lab, sample_id=sample_id).first()
    if existing is None:
        test = LabTest(lab=lab, sample_id=sample_id, id_number_enc=enc, **new,
                       id_number_masked=masked)
        _match(test, by, lab)
        try:
            _save_checked(test, by, lab)
        except IntegrityError:  # the same sample arrived at the same moment: a resend
            existing = LabTest.objects.select_for_update().get(lab=lab, sample_id=sample_id)
        else:
            _audit(test, "create")
            return Recorded(test, "created", _after_final(test, by, was=None))
    return _resend(existing, new, (enc, id_hash, masked), by)


def _resend(existing: LabTest, new: dict[str, Any], sealed: tuple[str, str, str],
            by: Any) -> Recorded:
    if all(getattr(existing, field) == value for field, value in new.items()):
        return Recorded(existing, "unchanged")
    why = conflict(existing, new)
    if why is not None:
        raise ValidationError({"result" if new["result"] != existing.result else "sample_id":
                               why})
    was = existing.result
    rematch = new["id_number_hash"] != existing.id_number_hash and existing.match in (
        M.MATCHED, M.UNMATCHED)
    for field, value in new.items():
        setattr(existing, field, value)
    existing.id_number_enc, existing.id_number_masked = sealed[0], sealed[2]
    if rematch:
        _match(existing, by, existing.lab)
    _save_checked(existing, by, existing.lab, [*CONTENT, "id_number_enc", "id_number_masked",
                                                "person", "area_path", "match"])
    _audit(existing, "update")
    return Recorded(existing, "updated", _after_final(existing, by, was=was))


def _match(test: LabTest, by: Any, lab: Lab) -> None:
    person = match_person(by, test.id_number_hash)
    test.person = person
    test.match = M.MATCHED if person else M.UNMATCHED
    test.area_path = person.area_path if person else lab.area.path


def _save_checked(test: LabTest, by: Any, lab: Lab, fields: list[str] | None = None) -> None:
    """Save `test` with its foreign keys checked at once; when the person it was matched to has
    been deleted since (by another request), match it again and save that.

    Checked at the commit, as Django defers them, such a key failed the request with a server
    error after everything else was done; a resend then matched it anew. Any other refusal
    (the same sample saved by another request at the same moment) is raised."""
    for attempt in range(2):
        try:
            with transaction.atomic(), checked_at_once():
                test.save(update_fields=fields)
            return
        except IntegrityError:
            gone = test.person_id is not None and not Person.objects.filter(
                pk=test.person_id).exists()
            if attempt or not gone:
                raise
        _match(test, by, lab)


def _after_final(test: LabTest, by: Any, *, was: str | None) -> Case | None:
    """Run the positive workflow once, when a matched result first becomes positive."""
    if test.result == R.POSITIVE and was != R.POSITIVE and test.person_id is not None:
        return on_positive(test, by)
    return None


def _audit(test: LabTest, action: str, reason: str = "") -> None:
    audit.record(action, model=LabTest._meta.label, object_pk=test.pk, object_repr=str(test),
                 changes={"result": test.result, "match": test.match},
                 area_path=test.area_path, reason=reason)


# --- the unmatched queue ---------------------------------------------------------------------

def _check_unmatched(test: LabTest) -> None:
    if test.match != M.UNMATCHED:
        raise ValidationError(_("This result is not waiting for a person any more (%(state)s).")
                              % {"state": test.get_match_display()})


@transaction.atomic
def assign_person(test: LabTest, person: Person, *, by: Any, note: str = "") -> Recorded:
    """Attach an unmatched result to `person` (found by hand); a positive one runs the workflow.

    The caller passes a person it fetched through the user's scope."""
    test = LabTest.objects.select_for_update().select_related("lab").get(pk=test.pk)
    _check_unmatched(test)
    test.person, test.area_path, test.match = person, person.area_path, M.RESOLVED
    test.resolved_by, test.resolved_at = by, timezone.now()
    test.save(update_fields=["person", "area_path", "match", "resolved_by", "resolved_at"])
    _audit(test, "update", note.strip())
    return Recorded(test, "updated", _after_final(test, by, was=None))


@transaction.atomic
def discard(test: LabTest, *, by: Any, note: str) -> LabTest:
    """Take an unmatched result out of the queue for good, saying why (kept in the audit log)."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the result is discarded.")})
    test = LabTest.objects.select_for_update().get(pk=test.pk)
    _check_unmatched(test)
    test.match, test.resolved_by, test.resolved_at = M.DISCARDED, by, timezone.now()
    test.save(update_fields=["match", "resolved_by", "resolved_at"])
    _audit(test, "update", note.strip())
    return test


# --- the positive workflow -------------------------------------------------------------------

def on_positive(test: LabTest, by: Any) -> Case | None:
    """Move or open the person's case for a positive result; notify after the commit.

    A case in a state without an ON_POSITIVE entry (already confirmed, admitted...) keeps its
    state: the result is on record and people are told. A refusal by the state machine (a case
    changed meanwhile) does not refuse the result: the notice says the case needs a look."""
    person = test.person
    assert person is not None  # noqa: S101 - callers check
    reason = _("Positive nucleic-acid test, sample %(sample)s.") % {"sample": test.sample_id}
    at = test.resulted_at or timezone.now()
    case = Case.objects.filter(person=person, is_open=True).first()
    problem = ""
    try:
        if case is None:
            case = services.open_case(person, states.POSITIVE_NEW_CASE, by=by, reason=reason,
                                      at=at, source=Source.LAB, evidence=Evidence.TEST,
                                      lab_test=test)
        elif case.state in states.ON_POSITIVE:
            services.transition(case, states.ON_POSITIVE[case.state], by=by, reason=reason,
                                at=max(at, case.state_since), evidence=Evidence.TEST,
                                lab_test=test)
            case.refresh_from_db(fields=["state", "state_since", "is_open"])
    except ValidationError as error:
        problem = "; ".join(error.messages)
    transaction.on_commit(lambda: notify_positive(test.pk, problem))
    return case


def _ancestors(path: str) -> dict[int, Area]:
    ids = [int(segment) for segment in path.split("/") if segment.isdigit()]
    return {area.level: area for area in Area.objects.filter(pk__in=ids)}


def _link(case: Case | None, test: LabTest) -> str:
    if case is not None:
        try:
            return reverse("cases:case_detail", args=[case.pk])
        except NoReverseMatch:
            pass
    return reverse("cases:lab_results", args=[test.lab_id]) + f"?sample={test.sample_id}"


def notify_positive(test_id: int, problem: str = "") -> None:
    """Tell the officers of the person's town and the district's command and medical team."""
    test = LabTest.objects.select_related("lab", "person").get(pk=test_id)
    person = test.person
    if person is None:
        return
    case = Case.objects.filter(person=person).order_by("-is_open", "-pk").first()
    levels = _ancestors(person.area_path)
    place = levels.get(Level.VILLAGE) or levels.get(Level.TOWN) or levels.get(Level.GRID)
    words = worded(lambda: _positive_wording(test, person, case, place, problem))
    link = _link(case, test)
    local = levels.get(Level.TOWN) or place
    if local is not None:
        notify([local], [Role.AREA_OFFICER], words, link=link)
    wide = levels.get(Level.DISTRICT) or levels.get(Level.CITY) or local
    if wide is not None:
        notify([wide], [Role.COMMAND, Role.MEDICAL], words, link=link)


def _positive_wording(test: LabTest, person: Person, case: Case | None, place: Area | None,
                      problem: str) -> tuple[str, str]:
    """A positive result's notice, in the language active."""
    title = _("Positive nucleic-acid result in %(area)s") % {
        "area": place.name if place else "-"}
    body = _("%(name)s (%(id)s), sample %(sample)s of %(lab)s, result at %(at)s. Case: "
             "%(state)s.") % {
        "name": person.name, "id": person.id_number_masked,
        "sample": test.sample_id, "lab": test.lab.name,
        "state": case.get_state_display() if case else "-",
        "at": timezone.localtime(test.resulted_at).strftime("%Y-%m-%d %H:%M")
        if test.resulted_at else "-"}
    if problem:
        body += " " + _("The case could not be moved: %(why)s") % {"why": problem}
    return title, body
