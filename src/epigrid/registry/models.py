from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Area, latitude_range, longitude_range
from epigrid.core.access import AreaPathField, ScopedQuerySet
from epigrid.core.audit import AuditedModel
from epigrid.core.indexes import keyed_hash_index
from epigrid.core.models import TimeStampedModel

# The encrypted and hashed columns never enter the audit log; the masked ones do.
SECRET_COLUMNS = ("id_number_enc", "id_number_hash", "phone_enc", "phone_hash")
TAG_SEPARATOR = ","


class Tag(models.TextChoices):
    """Key groups 重点人员."""

    RETURNEE = "returnee", _("returnee from a key area")  # 重点地区返乡人员
    ELDERLY_ALONE = "elderly_alone", _("elderly living alone")  # 独居老人
    CHRONIC = "chronic", _("chronic illness")  # 慢性病
    PREGNANT = "pregnant", _("pregnant")  # 孕产妇
    DISABLED = "disabled", _("disabled")  # 残疾人


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    UNKNOWN = "unknown", _("unknown")


class Residency(models.TextChoices):
    RESIDENT = "resident", _("resident")
    VISITOR = "visitor", _("visitor")
    WORKER = "worker", _("non-resident worker")


class GridRecord(AuditedModel, TimeStampedModel):
    """A high-volume record of a grid: it carries the grid's path for range-scan scoping."""

    grid = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT,
                             related_name="+")
    # Indexed with the id in each table's Meta: one index serves the range scan and the keyset.
    area_path = AreaPathField(editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    audit_exclude = ("updated_at", "created_at", "area_path", *SECRET_COLUMNS)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The copied path follows the grid (bulk writers set it themselves)."""
        if not self.area_path or self.audit_before().get("grid_id") != self.grid_id:
            self.area_path = Area.objects.values_list("path", flat=True).get(pk=self.grid_id)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "area_path"}
        super().save(*args, **kwargs)

    def audit_area_path(self) -> str:
        return self.area_path


class Household(GridRecord):
    grid = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT,
                             related_name="households_in_grid")
    number = models.CharField(_("household number"), max_length=32, blank=True)  # 户号
    address = models.CharField(_("address"), max_length=300)
    head_name = models.CharField(_("head of household"), max_length=100, blank=True)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=32, blank=True, editable=False)
    # Where the door is, for the grid worker's round nearest first (optional).
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True, validators=latitude_range)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=longitude_range)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["area_path", "address", "id"]
        # Hash indexes on the keyed hashes (core.indexes): equality is all they are asked.
        indexes = [models.Index(fields=["area_path", "id"]),
                   keyed_hash_index("phone_hash", "registry_household_phone_h")]

    def __str__(self) -> str:
        return self.address


class Person(GridRecord):
    grid = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT,
                             related_name="persons_in_grid")
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="members")
    # Searched by its start (name__startswith): one pattern index serves that and equality; a
    # plain index beside it (db_index=True makes both on PostgreSQL) only cost every insert.
    name = models.CharField(_("name"), max_length=100)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=32, blank=True,
                                        editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=32, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    # A database default too: the bulk writers (COPY) list their columns and leave this out.
    relation_to_head = models.CharField(_("relation to the head"), max_length=50, blank=True,
                                        default="", db_default="")
    is_medical_staff = models.BooleanField(_("medical staff"), default=False)
    residency = models.CharField(_("residency"), max_length=10, choices=Residency.choices,
                                 default=Residency.RESIDENT)
    # ",returnee,chronic,": delimited so one LIKE finds a tag on SQLite and PostgreSQL alike.
    tags = models.CharField(_("key groups"), max_length=200, blank=True, default="")
    returnee_origin = models.CharField(_("returned from"), max_length=100, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["area_path", "household_id", "id"]
        indexes = [models.Index(fields=["area_path", "id"]),
                   models.Index(fields=["name"], name="registry_person_name_prefix",
                                opclasses=["varchar_pattern_ops"]),
                   keyed_hash_index("id_number_hash", "registry_person_id_number_h"),
                   keyed_hash_index("phone_hash", "registry_person_phone_h")]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(TAG_SEPARATOR) if tag]

    @property
    def tag_labels(self) -> list[Any]:
        """The key groups' names in the reader's language (a code no longer known, as is)."""
        labels = dict(Tag.choices)
        return [labels.get(tag, tag) for tag in self.tag_list]

    @staticmethod
    def join_tags(tags: list[str] | tuple[str, ...] | set[str]) -> str:
        ordered = [tag for tag in Tag.values if tag in set(tags)]
        return f"{TAG_SEPARATOR}{TAG_SEPARATOR.join(ordered)}{TAG_SEPARATOR}" if ordered else ""


class ScreeningCampaign(AuditedModel, TimeStampedModel):
    """排查: a door-to-door screening of an area over some days."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="campaigns")
    area_path = AreaPathField(db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    # When progress.recompute last confirmed every stored figure: it writes only the rows whose
    # figures changed, so a row's own computed_at may be older.
    progress_computed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"
    audit_exclude = ("updated_at", "created_at", "progress_computed_at")

    class Meta:
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F(
            "starts_on")), name="campaign_ends_after_start")]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    NORMAL = "normal", _("normal")
    FEVER_CLINIC = "fever_clinic", _("refer to the fever clinic")
    HOME_QUARANTINE = "home_quarantine", _("home quarantine")
    REPORT_VILLAGE = "report_village", _("report to the village")


class HouseholdVisit(TimeStampedModel):
    """One visit of a household in a campaign. A resend carries the same key: stored once."""

    campaign = models.ForeignKey(ScreeningCampaign, on_delete=models.CASCADE,
                                 related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    area_path = AreaPathField(db_index=True, editable=False)
    visited_on = models.DateField(_("visited on"), db_index=True)
    visited_at = models.DateTimeField(_("visited at"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("grid worker"),
                               null=True, on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.UUIDField(unique=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The visit's members present (screened) and those of them with an abnormal outcome: its
    # PersonScreening rows counted when they are written (screening.record_visit,
    # PersonScreening.save, the demo's bulk load), so the campaign's progress and the daily
    # figures sum the visits in one index instead of joining millions of screenings.
    persons_screened = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    persons_abnormal = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        constraints = [models.UniqueConstraint(fields=["campaign", "household"],
                                               name="one_visit_per_household_and_campaign")]
        # The progress count (per grid and day of a campaign) reads this index alone. Key
        # columns, not INCLUDE: B-tree deduplication then folds the many equal entries (a
        # grid's visits of a day mostly screen the same few numbers), and the city's index
        # stays a tenth of the size, small enough for the planner to prefer it.
        indexes = [models.Index(fields=["campaign", "area_path", "visited_on",
                                        "persons_screened", "persons_abnormal"],
                                name="registry_visit_counts_idx")]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_on}"

    @staticmethod
    def count_screenings(visit_ids: list[int]) -> None:
        """Recount persons_screened and persons_abnormal of these visits from their rows."""
        screened = models.Q(persons__present=True)
        counts = (HouseholdVisit.objects.filter(pk=models.OuterRef("pk")).order_by()
                  .annotate(screened=models.Count("persons", filter=screened),
                            abnormal=models.Count("persons", filter=screened & ~models.Q(
                                persons__outcome=Outcome.NORMAL))))
        HouseholdVisit.objects.filter(pk__in=visit_ids).update(
            persons_screened=models.Subquery(counts.values("screened")[:1]),
            persons_abnormal=models.Subquery(counts.values("abnormal")[:1]))


class PersonScreening(models.Model):
    """What the grid worker found of one person at a visit."""

    visit = models.ForeignKey(HouseholdVisit, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="screenings")
    present = models.BooleanField(_("present"), default=True)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1,
                                      null=True, blank=True)
    symptoms = models.CharField(_("symptoms"), max_length=200, blank=True)
    travel_history = models.CharField(_("travel and residence in the last 14 days"),
                                      max_length=300, blank=True)
    contact_with_case = models.BooleanField(_("contact with a confirmed or suspected case"),
                                            default=False)
    returnee_origin = models.CharField(_("returned from"), max_length=100, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               default=Outcome.NORMAL)

    class Meta:
        verbose_name = _("person screening")
        verbose_name_plural = _("person screenings")
        constraints = [models.UniqueConstraint(fields=["visit", "person"],
                                               name="one_screening_per_person_and_visit")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """One screening saved on its own: its visit's counts follow (record_visit and bulk
        writers set them themselves)."""
        super().save(*args, **kwargs)
        HouseholdVisit.count_screenings([self.visit_id])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        HouseholdVisit.count_screenings([self.visit_id])
        return deleted

    @property
    def abnormal(self) -> bool:
        return self.outcome != Outcome.NORMAL


class ScreeningProgress(models.Model):
    """Stored figures of a campaign for one area, for the whole campaign (day NULL) or one day.

    Computed from the visits (one GROUP BY per leaf, summed up the tree); pages read these rows.
    """

    campaign = models.ForeignKey(ScreeningCampaign, on_delete=models.CASCADE,
                                 related_name="progress")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    area_path = AreaPathField(db_index=True, editable=False)
    day = models.DateField(null=True, blank=True)
    households_total = models.PositiveIntegerField(_("households"), default=0)
    households_visited = models.PositiveIntegerField(_("households visited"), default=0)
    persons_screened = models.PositiveIntegerField(_("persons screened"), default=0)
    persons_abnormal = models.PositiveIntegerField(_("persons with an abnormal outcome"),
                                                   default=0)
    computed_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field: ClassVar[str] = "area_path"

    class Meta:
        verbose_name = _("screening progress")
        verbose_name_plural = _("screening progress")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "area", "day"], name="one_figure_per_day"),
            models.UniqueConstraint(fields=["campaign", "area"], condition=models.Q(
                day__isnull=True), name="one_campaign_figure_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.area_id} {self.day or '-'}"


class DuplicateId(models.Model):
    """An ID number (its keyed hash) found held by persons of more than one household: where
    the duplicates list looks, instead of grouping the whole registry on every view
    (registry.duplicates). Noted as a person is saved, recounted whole every night."""

    id_number_hash = models.CharField(max_length=64, unique=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate ID number")
        verbose_name_plural = _("duplicate ID numbers")

    def __str__(self) -> str:
        return self.id_number_hash[:12]


class DuplicateResolution(models.Model):
    """The same ID number in two households, looked at and settled by someone."""

    id_number_hash = models.CharField(max_length=64, unique=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=500)

    class Meta:
        verbose_name = _("duplicate resolution")
        verbose_name_plural = _("duplicate resolutions")

    def __str__(self) -> str:
        return self.note
