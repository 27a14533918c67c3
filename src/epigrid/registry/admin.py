"""Admin of the registry: read-mostly, masked values only (the ciphertext and hashes never show).

Writes go through registry.services (pages, API, imports), which validate and encrypt."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from epigrid.registry.models import DuplicateResolution, Household, Person


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("address", "number", "head_name", "phone_masked", "grid")
    search_fields = ("address", "head_name", "number")
    fields = ("grid", "number", "address", "head_name", "phone_masked", "area_path")
    list_select_related = ("grid",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "phone_masked", "sex", "birth_date",
                    "residency", "tags", "grid")
    list_filter = ("residency", "sex", "is_medical_staff")
    search_fields = ("name",)
    fields = ("grid", "household", "name", "id_number_masked", "phone_masked", "sex",
              "birth_date", "occupation", "is_medical_staff", "residency", "tags",
              "returnee_origin", "returned_on", "area_path")
    list_select_related = ("grid",)


@admin.register(DuplicateResolution)
class DuplicateResolutionAdmin(ReadOnlyAdmin):
    list_display = ("resolved_at", "resolved_by", "note")
    fields = ("resolved_by", "resolved_at", "note")
