"""What every API router shares: keyset pages, scoped look-ups, one shape for errors.

Errors all answer `{"detail": ...}`:
- 401 `{"detail": "Unauthorized"}` without a valid session or token;
- 403 `{"detail": "<why>"}` when the user's role lacks the capability;
- 404 `{"detail": "Not found."}` for a record that is missing *or* outside the user's area (the
  two are never told apart, so ids of other areas leak nothing);
- 422 `{"detail": [{"loc": ["query", "limit"], "msg": "...", "type": "..."}, ...]}` for bad input,
  whether pydantic rejects it (ninja's own validation) or a service rejects it with Django's
  ValidationError (`django_validation_error` turns those into the same list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import field_validator

from epigrid.core.access import Capability, ScopedQuerySet, ScopedUser, can
from epigrid.core.paging import page_after, split_page

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

ItemT = TypeVar("ItemT")
T = TypeVar("T")


# The largest number a database column of ours holds (a bigint): an id, a count.
NUMBER_MAX = 2**63 - 1


class InSchema(Schema):
    """What every API input (a body, a form, query parameters) is built on: no whole number
    past a bigint, which no id or count of ours can be, gets as far as the database (SQLite
    cannot bind it, PostgreSQL refuses it: a 500 either way). It is refused with the field's
    name, as any other bad value."""

    @field_validator("*", mode="after")
    @classmethod
    def _numbers_fit(cls, value: Any) -> Any:
        items = value if isinstance(value, list | tuple | set) else (value,)
        if any(isinstance(item, int) and not -NUMBER_MAX - 1 <= item <= NUMBER_MAX
               for item in items):
            raise ValueError(_("This number is too large."))
        return value


class PageParams(InSchema):
    """`?after=<id>&limit=<n>`: the rows after the row of id `after`, in the list's order (by id;
    the registry's by area path, then id): a keyset, never OFFSET."""

    after: int | None = Field(None, ge=0, description="Return the rows after the row of this id "
                                                      "(the `next_after` of the previous page).")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                       description=f"Rows per page, at most {MAX_LIMIT}.")


class Page(Schema, Generic[ItemT]):
    items: list[ItemT]
    next_after: int | None = Field(
        None, description="Pass as `after` to get the next page; null on the last page.")


class NumberParams(InSchema):
    """`?page=<n>&limit=<n>`: for a list in an order no key follows (sums, groups), numbered
    pages; a small list (an area's staff, its open duplicates) pays little for the OFFSET."""

    page: int = Field(1, ge=1, le=NUMBER_MAX // MAX_LIMIT,
                      description="The page: 1 for the first.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                       description=f"Rows per page, at most {MAX_LIMIT}.")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


class NumberedPage(Schema, Generic[ItemT]):
    items: list[ItemT]
    next_page: int | None = Field(
        None, description="Pass as `page` to get the next page; null on the last page.")


def numbered_page(rows: list[Any], params: NumberParams) -> tuple[list[Any], int | None]:
    """A page's rows and the next page's number, from the page's rows and one more if any
    (fetched from `params.offset`, `params.limit + 1` of them)."""
    page, more = split_page(rows, params.limit)
    return page, params.page + 1 if more else None


def keyset_page(queryset: models.QuerySet[Any], params: PageParams, *,
                area_order: bool = False, newest_first: bool = False,
                dated_by: str = "") -> dict[str, Any]:
    """One page of `queryset` by id (newest first: by id descending), by area path then id
    (core.paging: a table of millions filtered to an area), or by the `dated_by` column newest
    first, then id."""
    items, next_after = page_after(queryset, params.after, params.limit, area_order=area_order,
                                   newest_first=newest_first, dated_by=dated_by)
    return {"items": items, "next_after": next_after}


def patched(instance: models.Model, payload: Schema, fields: Sequence[str]) -> dict[str, Any]:
    """A PATCH's values: the instance's `fields` as they are, those the payload gives (not
    null) instead; for a service that takes every field."""
    given = {name: value for name, value in payload.model_dump().items()
             if value is not None and name in fields}
    return {name: getattr(instance, name) for name in fields} | given


def api_user(request: HttpRequest) -> Any:
    """The authenticated user: ninja puts it in `request.auth` for token and session alike."""
    return request.auth  # type: ignore[attr-defined]


def not_found() -> HttpError:
    return HttpError(404, _("Not found."))


def get_object_for_user(source: type[models.Model] | models.QuerySet[Any], user: ScopedUser,
                        pk: int) -> Any:
    """The row `pk` if `user` may see it; 404 alike for missing and forbidden."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        raise TypeError(f"{queryset.model.__name__} has no area scope; it cannot be served")
    found = queryset.restrict(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def fetch(get: Callable[[Any, int], T], request: HttpRequest, pk: int) -> T:
    """An app's `access.get_*_for_user` look-up (404 alike for missing and forbidden), answered
    with the body of every other 404 of the API."""
    try:
        return get(api_user(request), pk)
    except Http404:
        raise not_found() from None


def named(rows: models.QuerySet[Any], pk: int | None, field: str, message: str) -> Any:
    """The row a body names by id among those the user may see (`rows`), or None when it names
    none; one out of sight is as unknown as a missing one: 422 on its field, with `message`
    (its `%(id)s` the id)."""
    if pk is None:
        return None
    found = rows.filter(pk=pk).first()
    if found is None:
        raise field_errors({field: [message % {"id": pk}]})
    return found


def require(user: ScopedUser, capability: Capability) -> None:
    if not can(user, capability):
        raise HttpError(403, _("Your role may not do this: %(what)s.") % {
            "what": capability.label})


def field_errors(errors: Mapping[str, Sequence[str]], where: str = "body") -> NinjaValidationError:
    """Messages by field, in ninja's 422 shape (`loc`, `msg`, `type`)."""
    return NinjaValidationError([
        {"loc": [where] if field == NON_FIELD_ERRORS else [where, field],
         "msg": str(message), "type": "value_error"}
        for field, messages in errors.items() for message in messages])


def call_service(call: Callable[[], T], names: Mapping[str, str] | None = None) -> T:
    """Run a service; its refusals come back as 422 under the API's field names (`names`
    renames a service's field to the API's)."""
    try:
        return call()
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed = names or {}
        raise field_errors({renamed.get(name, name): messages
                            for name, messages in error.message_dict.items()}) from None


def person(user: Any) -> str | None:
    """How the API names a user: their display name, nothing more."""
    return str(user.display_name) if user is not None else None


def django_validation_error(request: HttpRequest, exc: DjangoValidationError,
                            api: NinjaAPI) -> HttpResponse:
    """A service said no: answer 422 with its messages, shaped like ninja's own validation."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    return api.create_response(request, {"detail": field_errors(errors).errors}, status=422)
