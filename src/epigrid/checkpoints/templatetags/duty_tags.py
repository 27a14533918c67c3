"""The duty pages' filter for a staff member's phone: masked, like every duty list shows it."""

from __future__ import annotations

from typing import Any

from django import template

from epigrid.checkpoints.duty import masked_phone

register = template.Library()


@register.filter(name="masked_phone")
def masked_phone_filter(user: Any) -> str:
    """`{{ shift.user|masked_phone }}`: 138****5678, or "" for no one or no phone."""
    return masked_phone(user)
