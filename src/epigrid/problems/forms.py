"""Forms of the problem pages. They read the input; the rules live in services.py, whose refusals
the pages put back onto these forms' fields."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.forms import AreaChoice, filter_areas
from epigrid.areas.models import Area, Level
from epigrid.core.access import ScopedUser
from epigrid.problems import queries
from epigrid.problems.models import Category, Status, Urgency

DATE = {"type": "date"}


class _Offered(ModelChoiceIterator):
    def __init__(self, field: Any) -> None:
        super().__init__(field)
        if field.offered is not None:
            self.queryset = field.offered


class UserChoice(forms.ModelChoiceField):
    """A user among `queryset`, the menu listing `offered` only (a narrower list), so that one
    who is valid but not listed is refused by the service, in its words."""

    iterator = _Offered
    offered: QuerySet[Any] | None = None

    def offer(self, users: QuerySet[Any]) -> None:
        """List `users` grouped by town (a village's or a grid's people under its town, those of
        a town or above under their own area), in the tree's order: a district's menu holds
        hundreds of names, which a reader finds by the town they work in."""
        self.offered = users
        groups: dict[int, tuple[Area, list[Any]]] = {}
        for person in users.select_related("home_area__parent"):
            home = person.home_area
            group = home.parent if home.level > Level.TOWN and home.parent else home
            groups.setdefault(group.pk, (group, []))[1].append(person)
        choices: list[Any] = [("", self.empty_label)]
        for group, people in sorted(groups.values(), key=lambda item: item[0].path):
            people.sort(key=lambda person: (person.home_area.path, person.display_name))
            choices.append((group.name, [(person.pk, self.label_from_instance(person))
                                         for person in people]))
        self.widget.choices = choices

    def label_from_instance(self, obj: Any) -> str:
        name = obj.display_name
        home = obj.home_area.name if obj.home_area else ""
        return f"{name} ({obj.get_role_display()}{', ' + home if home else ''})"


class FilterForm(forms.Form):
    WHERE = (("", _("raised here or escalated to me")), (queries.RAISED, _("raised in my area")),
             (queries.ESCALATED, _("escalated to me")))

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("any status")), *Status.choices])
    urgency = forms.ChoiceField(label=_("Urgency"), required=False,
                                choices=[("", _("any urgency")), *Urgency.choices])
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("any category")), *Category.choices])
    where = forms.ChoiceField(label=_("Whose"), required=False, choices=WHERE)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    day = forms.DateField(label=_("Closure rate of the day"), required=False,
                          widget=forms.DateInput(DATE))

    def filters(self) -> queries.Filters:
        """The valid filters (a bad one is left out and shown with its error)."""
        self.is_valid()
        data = self.cleaned_data
        return queries.Filters(status=data.get("status", ""), urgency=data.get("urgency", ""),
                               category=data.get("category", ""),
                               overdue=bool(data.get("overdue")), where=data.get("where", ""))

    def chosen_day(self) -> datetime.date:
        self.is_valid()
        found: datetime.date | None = self.cleaned_data.get("day")
        return found or timezone.localdate()


class RaiseForm(forms.Form):
    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("Where the problem is: a village, a town, a checkpoint's area."))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.NORMAL)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(DATE))
    assignee_unit = forms.CharField(label=_("Assigned unit"), max_length=200, required=False,
                                    help_text=_("A unit named in words, e.g. the town's health "
                                                "office."))
    assignee = UserChoice(label=_("Assigned person"), required=False,
                          queryset=None)

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home = getattr(user, "home_area", None)
        # The menu: the user's own levels down to a size a menu holds, as every area filter
        # (a town's villages, a district's towns: not its 274 villages), the user's own area and
        # the one asked for (a village's or a grid's page links here with it).
        asked = [pk for pk in (self.data.get("area"), self.initial.get("area"),
                               getattr(home, "pk", None)) if str(pk or "").isdigit()]
        areas = filter_areas(user, also=asked)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["area"].error_messages["invalid_choice"] = _(
            "No such area among the areas you may see.")
        assignee = cast(UserChoice, self.fields["assignee"])
        assignee.queryset = queries.assignable_users(user)
        assignee.offer(queries.offered_users(user, areas.filter(pk__in=asked)))
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=1)
        if home is not None:
            self.fields["area"].initial = home.pk
            cast(AreaChoice, self.fields["area"]).top_depth = home.depth


class AssignForm(forms.Form):
    assignee_unit = forms.CharField(label=_("Assigned unit"), max_length=200, required=False)
    assignee = UserChoice(label=_("Assigned person"), required=False,
                          queryset=None)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(DATE),
                             help_text=_("The day the unit answers for; today or later."))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args: Any, user: ScopedUser, area: Area, **kwargs: Any) -> None:
        # Its own ids: the detail page shows it beside the status form, both with a note.
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        assignee = cast(UserChoice, self.fields["assignee"])
        assignee.queryset = queries.assignable_users(user)
        assignee.offer(queries.users_seeing(area))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required to close: how the problem was solved."))
    evidence = forms.FileField(label=_("Evidence"), required=False,
                               help_text=_("Closing only: a photo or document, up to 10 MB."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "status-%s")
        super().__init__(*args, **kwargs)


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Why reopen"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

