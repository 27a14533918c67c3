"""Forms of the task pages 督办. They read the input; the rules live in services.py, whose
refusals the pages put back onto these forms' fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epigrid.areas.forms import AreaChoice, AreaFilterField, offer_areas, offer_own_areas
from epigrid.areas.models import Area
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.supervision.models import PENDING, Task, TaskStatus, overdue_tasks_q

DATE = {"type": "date"}
PENDING_FILTER, OVERDUE, ANY = "pending", "overdue", "any"
DEFAULT_DUE_IN = 3  # the new task form's day, in days from today


class TaskFilterForm(forms.Form):
    STATUSES = ((PENDING_FILTER, _("pending (in hand or reported done)")),
                (TaskStatus.OPEN, TaskStatus.OPEN.label),
                (TaskStatus.REPORTED, TaskStatus.REPORTED.label),
                (OVERDUE, _("overdue")),
                (TaskStatus.DONE, TaskStatus.DONE.label),
                (TaskStatus.CANCELLED, TaskStatus.CANCELLED.label),
                (ANY, _("any status")))

    q = forms.CharField(label=_("Title"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Part of the title")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    area = AreaFilterField(empty_label=_("All my areas"),
                           help_text=_("The area handling the task, and those under it."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, tasks: QuerySet[Task], today: datetime.date) -> QuerySet[Task]:
        """The tasks matching the valid filters (pending ones unless a status is chosen); an
        invalid filter is shown, not applied."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or PENDING_FILTER
        if status == PENDING_FILTER:
            tasks = tasks.filter(status__in=PENDING)
        elif status == OVERDUE:
            tasks = tasks.filter(overdue_tasks_q(today))
        elif status != ANY:
            tasks = tasks.filter(status=status)
        if query := (data.get("q") or "").strip():
            tasks = tasks.filter(title__icontains=query)
        if area := data.get("area"):
            tasks = tasks.filter(subtree_q("area__path", area.path))
        return tasks


class TaskForm(forms.Form):
    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("The area that must do it."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    instructions = forms.CharField(label=_("Instructions"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("What is asked, and how it is to be reported."))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(DATE))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        self.fields["due_on"].initial = (timezone.localdate()
                                         + datetime.timedelta(days=DEFAULT_DUE_IN))


def _note(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    """报结: what the area did."""

    report = forms.CharField(label=_("What was done"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "report-%s")
        super().__init__(*args, **kwargs)


class AcceptForm(forms.Form):
    note = _note(_("Note"), _("Optional."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "accept-%s")
        super().__init__(*args, **kwargs)


class SendBackForm(forms.Form):
    note = _note(_("Why it is sent back"))
    due_on = forms.DateField(label=_("New due date"), required=False,
                             widget=forms.DateInput(DATE),
                             help_text=_("Leave empty to keep the task's day."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "send-back-%s")
        super().__init__(*args, **kwargs)


class WithdrawForm(forms.Form):
    note = _note(_("Why it is withdrawn"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "withdraw-%s")
        super().__init__(*args, **kwargs)
