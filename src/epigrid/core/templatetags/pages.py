"""The lists' pagers: `{% load pages %}`, then `{% keyset_pages next_after %}`.

Every keyset list (core.paging) had the same four lines of pager written again in its own
template, in two wordings and two directions; one tag draws them all.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.inclusion_tag("core/_keyset_pages.html", takes_context=True)
def keyset_pages(context: Any, following: Any, key: str = "after", dated: bool = False,
                 first: bool | None = None) -> dict[str, Any]:
    """A keyset list's pager, keeping the other query parameters: back to the first page when
    past it, and on to the next one, which `following` starts (the `key` parameter's value;
    none on the last page). `dated`: a list newest first, whose links read "Newest" and
    "Older". `first`: whether this is the first page, when the view knows it better than the
    absence of `key` does."""
    past_first = bool(context.request.GET.get(key)) if first is None else not first
    return {"first_url": querystring(context, **{key: None}) if past_first else "",
            "next_url": querystring(context, **{key: following}) if following else "",
            "dated": dated}
