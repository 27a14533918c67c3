"""The form of a notice sent by hand. It reads the input; the rules are alerts.sending's."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from epigrid.alerts import mailing, sms
from epigrid.alerts.sending import BODY_LIMIT
from epigrid.areas.forms import filter_areas, indented_name
from epigrid.areas.models import Area
from epigrid.core.access import Role, ScopedUser


class AreasChoice(forms.ModelMultipleChoiceField):
    top_depth = 1

    def label_from_instance(self, obj: Any) -> str:
        return indented_name(obj, self.top_depth)


class SendForm(forms.Form):
    areas = AreasChoice(label=_("Areas"), queryset=Area.objects.none(),
                        widget=forms.SelectMultiple(attrs={"size": 12}), help_text=_(
        "The notice reaches the users of these areas and of every area within them."))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=[(value, label) for value, label in Role.choices
                                   if value != Role.ADMIN],
        widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(label=_("Title"), required=False)
    body = forms.CharField(label=_("Text"), required=False, max_length=BODY_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 6}))
    by_sms = forms.BooleanField(label=_("Also send it as a text message"), required=False,
                                help_text=_("To every recipient with a phone, cut to 300 "
                                            "characters."))
    by_email = forms.BooleanField(label=_("Also send it by e-mail"), required=False,
                                  help_text=_("To every recipient with an e-mail address."))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sms.is_set_up():  # no gateway here: nothing to offer
            del self.fields["by_sms"]
        if not mailing.is_set_up():  # no mail server either
            del self.fields["by_email"]
        field = cast(AreasChoice, self.fields["areas"])
        home = getattr(user, "home_area", None)
        # Any area of the user's subtree is valid (the API names villages and grids too); the
        # menu lists the upper levels, as every area menu does, and those chosen.
        field.queryset = Area.objects.restrict(user)
        field.top_depth = home.depth if home is not None else 1
        chosen = [pk for pk in self.data.getlist("areas") if str(pk).isdigit()] \
            if hasattr(self.data, "getlist") else []
        field.widget.choices = [(area.pk, field.label_from_instance(area))
                                for area in filter_areas(user, also=chosen)]
        field.error_messages["invalid_choice"] = _("No such area among the areas you may see.")
        field.error_messages["invalid_pk_value"] = _("No such area among the areas you may see.")
