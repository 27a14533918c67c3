"""Cases of the four categories, their transitions, quarantine, follow-ups, lab tests, contacts.

Every table that grows with the epidemic copies the area path of its person's grid, so "all of
town X" stays one index range (see GridRecord).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.models import Area, Facility
from epigrid.cases.states import TERMINAL, State
from epigrid.core.access import AreaPathField, ScopedQuerySet
from epigrid.core.audit import AuditedModel
from epigrid.core.models import TimeStampedModel
from epigrid.registry.models import GridRecord, Person


class Severity(models.TextChoices):
    MILD = "mild", _("mild")  # 轻症
    MODERATE = "moderate", _("moderate")  # 普通型
    SEVERE = "severe", _("severe")  # 重症
    CRITICAL = "critical", _("critical")  # 危重症


class Source(models.TextChoices):
    """Where a case was first found."""

    SCREENING = "screening", _("door-to-door screening")
    FOLLOW_UP = "follow_up", _("quarantine follow-up")
    CHECKPOINT = "checkpoint", _("checkpoint")
    LAB = "lab", _("lab result")
    TRACING = "tracing", _("contact tracing")
    CLINIC = "clinic", _("fever clinic or hospital")
    OTHER = "other", _("other")


class Origin(models.TextChoices):
    """Where the infection was acquired: in the district 本土, or outside it 输入 (a returnee)."""

    LOCAL = "local", pgettext_lazy("origin of infection", "local")
    IMPORTED = "imported", pgettext_lazy("origin of infection", "imported")


class Evidence(models.TextChoices):
    TEST = "test", _("test result")
    DIAGNOSIS = "diagnosis", _("clinical diagnosis")
    FOLLOW_UP = "follow_up", _("follow-up finding")
    TRACING = "tracing", _("contact tracing")
    OTHER = "other", _("other")


class Case(GridRecord):
    """One episode of a person in the four categories, from opening to a terminal state.

    A person has at most one open case; after a terminal state a new case may open.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="cases")
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    is_open = models.BooleanField(_("open"), default=True, editable=False)
    state_since = models.DateTimeField(_("in this state since"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                blank=True)
    source = models.CharField(_("found by"), max_length=20, choices=Source.choices,
                              default=Source.OTHER)
    # Imported cases are reported apart and do not raise an area's risk level (risk_rules.py).
    # Defaults in the database too: bulk writers that name their columns may leave these out.
    origin = models.CharField(_("origin of infection"), max_length=10, choices=Origin.choices,
                              default=Origin.LOCAL, db_default=Origin.LOCAL)
    imported_from = models.CharField(_("imported from"), max_length=100, blank=True, default="",
                                     db_default="")
    onset_date = models.DateField(_("onset date"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"), db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-state_since", "-id"]
        indexes = [models.Index(fields=["area_path", "id"]),
                   models.Index(fields=["state", "area_path"])]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(is_open=True),
                                    name="one_open_case_per_person"),
            models.CheckConstraint(condition=models.Q(origin="imported")
                                   | models.Q(imported_from=""),
                                   name="imported_from_only_when_imported"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_state_display()})"

    def sync_open(self) -> None:
        self.is_open = self.state not in TERMINAL


class Transition(models.Model):
    """A dated move of a case from one state to another: who, why, on what evidence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    area_path = AreaPathField(editable=False)
    # States here, a risk change's levels there: the same words, other Chinese ones.
    from_state = models.CharField(pgettext_lazy("state", "from"), max_length=20,
                                  choices=State.choices, blank=True)
    to_state = models.CharField(pgettext_lazy("state", "to"), max_length=20,
                                choices=State.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    evidence = models.CharField(_("evidence"), max_length=20, choices=Evidence.choices,
                                blank=True)
    evidence_note = models.CharField(_("evidence details"), max_length=500, blank=True)
    lab_test = models.ForeignKey("LabTest", verbose_name=_("test"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at", "to_state"]),
                   models.Index(fields=["area_path", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state or '-'} -> {self.to_state}"


class QuarantineRoom(AuditedModel):
    """A room of a centralized quarantine site 集中隔离点."""

    site = models.ForeignKey(Facility, verbose_name=_("quarantine site"),
                             on_delete=models.PROTECT, related_name="quarantine_rooms")
    number = models.CharField(_("room"), max_length=20)
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    active = models.BooleanField(_("in use"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "site__area__path"

    class Meta:
        verbose_name = _("quarantine room")
        verbose_name_plural = _("quarantine rooms")
        ordering = ["site_id", "number"]
        constraints = [models.UniqueConstraint(fields=["site", "number"],
                                               name="one_room_number_per_site")]

    def __str__(self) -> str:
        return f"{self.site} {self.number}"


class Quarantine(AuditedModel, TimeStampedModel):
    """A period of home 居家 or centralized 集中 quarantine of a case's person."""

    class Kind(models.TextChoices):
        HOME = "home", _("home quarantine")
        CENTRALIZED = "centralized", _("centralized quarantine")

    class Outcome(models.TextChoices):
        RELEASED = "released", _("released")
        ESCALATED = "escalated", _("became a fever, suspected or positive case")
        ENDED = "ended", _("ended otherwise")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="quarantines")
    area_path = AreaPathField(editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    site = models.ForeignKey(Facility, verbose_name=_("quarantine site"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="quarantines")
    room = models.ForeignKey(QuarantineRoom, verbose_name=_("room"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="quarantines")
    starts_on = models.DateField(_("starts on"))
    planned_end = models.DateField(_("planned end"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    audit_exclude = ("updated_at", "created_at", "area_path")

    class Meta:
        verbose_name = _("quarantine")
        verbose_name_plural = _("quarantines")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["area_path", "ended_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_end__gte=models.F("starts_on")),
                                   name="quarantine_ends_after_start"),
            models.CheckConstraint(condition=models.Q(kind="home") | models.Q(
                site__isnull=False), name="centralized_quarantine_has_site"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.starts_on}"

    def audit_area_path(self) -> str:
        return self.area_path


class FollowUp(models.Model):
    """One of the twice-daily checks 随访 of a person in quarantine."""

    class Slot(models.TextChoices):
        MORNING = "am", _("morning")
        EVENING = "pm", _("evening")

    quarantine = models.ForeignKey(Quarantine, on_delete=models.CASCADE,
                                   related_name="follow_ups")
    area_path = AreaPathField(editable=False)
    day = models.DateField(_("day"))
    slot = models.CharField(_("time of day"), max_length=2, choices=Slot.choices)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.CharField(_("symptoms"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-day", "slot"]
        indexes = [models.Index(fields=["area_path", "day"])]
        constraints = [models.UniqueConstraint(fields=["quarantine", "day", "slot"],
                                               name="one_follow_up_per_slot")]

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.day} {self.slot}"


class MissedFollowUp(models.Model):
    """A follow-up slot that passed without a record: flagged, then escalated to the village."""

    quarantine = models.ForeignKey(Quarantine, on_delete=models.CASCADE,
                                   related_name="missed_follow_ups")
    area_path = AreaPathField(editable=False)
    day = models.DateField(_("day"))
    slot = models.CharField(_("time of day"), max_length=2, choices=FollowUp.Slot.choices)
    flagged_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # Set when a late record arrives for the slot; the miss stays counted for that day.
    caught_up_at = models.DateTimeField(_("caught up"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("missed follow-up")
        verbose_name_plural = _("missed follow-ups")
        ordering = ["-day", "slot"]
        indexes = [models.Index(fields=["area_path", "day"])]
        constraints = [models.UniqueConstraint(fields=["quarantine", "day", "slot"],
                                               name="one_miss_per_slot")]

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.day} {self.slot} missed"


class Lab(AuditedModel):
    """A laboratory that runs nucleic-acid tests."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="labs")
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    daily_capacity = models.PositiveIntegerField(_("tests per day"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area__path"

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LabTest(models.Model):
    """A nucleic-acid test of a sample, matched to a person through the keyed hash of the ID."""

    audit_logged: ClassVar[bool] = True  # its services write its audit entries

    class Result(models.TextChoices):
        PENDING = "pending", _("pending")
        NEGATIVE = "negative", _("negative")
        POSITIVE = "positive", _("positive")
        INCONCLUSIVE = "inconclusive", _("inconclusive")

    class Match(models.TextChoices):
        MATCHED = "matched", _("matched")
        UNMATCHED = "unmatched", _("waiting for a person")
        RESOLVED = "resolved", _("matched by hand")
        DISCARDED = "discarded", _("discarded")

    # No index of its own: (lab, sample_id) and (lab, resulted_at) lead with it.
    lab = models.ForeignKey(Lab, verbose_name=_("lab"), on_delete=models.PROTECT,
                            related_name="tests", db_index=False)
    sample_id = models.CharField(_("sample id"), max_length=64)
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="lab_tests")
    # The person's grid path once matched; the lab's area path while unmatched.
    area_path = AreaPathField(editable=False)
    name = models.CharField(_("name on the sample"), max_length=100, blank=True)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=32, blank=True,
                                        editable=False)
    sampled_at = models.DateTimeField(_("sampled at"))
    resulted_at = models.DateTimeField(_("result at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=15, choices=Result.choices,
                              default=Result.PENDING)
    match = models.CharField(_("match"), max_length=10, choices=Match.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    # Not indexed: nearly always empty, never searched by; users are deactivated, not deleted.
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("lab test")
        verbose_name_plural = _("lab tests")
        ordering = ["-sampled_at", "-id"]
        # Every index is paid for by each of a million results a day loads (cases.lab_bulk), so
        # only what is asked: no index on id_number_hash (results are matched by the person's),
        # and the queue's (match, area_path) without the matched results, nearly all of them.
        indexes = [models.Index(fields=["area_path", "id"]),
                   models.Index(fields=["match", "area_path"], name="cases_labtest_queue",
                                condition=~models.Q(match="matched")),
                   models.Index(fields=["lab", "resulted_at"])]
        constraints = [models.UniqueConstraint(fields=["lab", "sample_id"],
                                               name="one_test_per_lab_sample")]

    def __str__(self) -> str:
        return f"{self.lab_id}:{self.sample_id} {self.result}"


class Exposure(models.Model):
    """A contact 接触: `source` (a case's person) met `contact` when and where.

    The contact may not be identified yet (no person): then name and hint say who to find.
    """

    class Setting(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        WORK = "work", _("work or school")
        TRANSPORT = "transport", _("transport")
        GATHERING = "gathering", _("gathering or meal")
        MEDICAL = "medical", _("medical care")
        OTHER = "other", _("other")

    source = models.ForeignKey(Person, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="exposures_given")
    contact = models.ForeignKey(Person, verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="exposures_received")
    area_path = AreaPathField(editable=False)
    contact_name = models.CharField(_("contact's name"), max_length=100, blank=True)
    contact_hint = models.CharField(_("how to find them"), max_length=300, blank=True)
    exposed_on = models.DateField(_("last exposure"))
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices,
                               default=Setting.OTHER)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        ordering = ["-exposed_on", "-id"]
        indexes = [models.Index(fields=["area_path", "id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(contact__isnull=False)
                                   | ~models.Q(contact_name=""), name="exposure_names_contact"),
            models.CheckConstraint(condition=~models.Q(contact=models.F("source")),
                                   name="exposure_not_to_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.contact_id or self.contact_name}"



class CaseFigures(models.Model):
    """The case figures of one area for one day, computed from the records (figures.py).

    `values` maps a figure's code (e.g. "new_confirmed", "in_home_quarantine") to its count;
    pages and dashboards read these rows instead of counting millions of records.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    area_path = AreaPathField(editable=False)
    day = models.DateField(_("day"))
    values = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("case figures")
        verbose_name_plural = _("case figures")
        indexes = [models.Index(fields=["area_path", "day"])]
        constraints = [models.UniqueConstraint(fields=["area", "day"],
                                               name="one_case_figure_per_area_day")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}"
