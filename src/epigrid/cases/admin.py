"""Admin of the cases app: read-only (masked values only; the person's ciphertext never shows).

Cases open and change state only through cases.services (pages, API, lab results, follow-ups),
which check the state machine and write the history; the admin is for looking, not for writing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from epigrid.cases.models import (
    Case,
    CaseFigures,
    Exposure,
    FollowUp,
    Lab,
    LabTest,
    MissedFollowUp,
    Quarantine,
    QuarantineRoom,
    Transition,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ("at", "from_state", "to_state", "by", "reason", "evidence", "evidence_note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("person", "state", "is_open", "state_since", "severity", "source",
                    "reported_on", "grid")
    list_filter = ("state", "is_open", "source", "origin", "severity")
    search_fields = ("person__name",)
    fields = ("person", "grid", "state", "is_open", "state_since", "severity", "source",
              "onset_date", "reported_on", "note", "area_path")
    list_select_related = ("person", "grid")
    raw_id_fields = ("person", "grid")
    inlines = (TransitionInline,)


@admin.register(Quarantine)
class QuarantineAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "site", "room", "starts_on", "planned_end", "ended_on",
                    "outcome")
    list_filter = ("kind", "outcome")
    list_select_related = ("case__person", "site", "room")
    raw_id_fields = ("case",)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("quarantine", "day", "slot", "temperature", "symptoms", "recorded_at")
    list_filter = ("slot",)
    raw_id_fields = ("quarantine",)


@admin.register(MissedFollowUp)
class MissedFollowUpAdmin(ReadOnlyAdmin):
    list_display = ("quarantine", "day", "slot", "flagged_at", "escalated_at", "caught_up_at")
    raw_id_fields = ("quarantine",)


@admin.register(QuarantineRoom)
class QuarantineRoomAdmin(ReadOnlyAdmin):
    list_display = ("site", "number", "capacity", "active")
    list_select_related = ("site",)


@admin.register(Lab)
class LabAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "area", "daily_capacity")
    search_fields = ("code", "name")
    list_select_related = ("area",)


@admin.register(LabTest)
class LabTestAdmin(ReadOnlyAdmin):
    list_display = ("lab", "sample_id", "name", "id_number_masked", "result", "match",
                    "sampled_at", "resulted_at")
    list_filter = ("result", "match")
    search_fields = ("sample_id",)
    # The ciphertext and the keyed hash of the ID number stay out of the admin.
    exclude = ("id_number_enc", "id_number_hash")
    list_select_related = ("lab",)
    raw_id_fields = ("person",)


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyAdmin):
    list_display = ("source", "contact", "contact_name", "exposed_on", "setting")
    list_filter = ("setting",)
    list_select_related = ("source", "contact")
    raw_id_fields = ("source", "contact")


@admin.register(CaseFigures)
class CaseFiguresAdmin(ReadOnlyAdmin):
    list_display = ("area", "day", "computed_at")
    list_select_related = ("area",)
