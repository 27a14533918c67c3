"""Security-matrix entries of the mobilization app's pages of teams, people sent down and
commendations (merged into the matrix).

Alice has formed two teams in town A ten days ago: one with a member in village A1 whom the
town commends, one without members that the insider stands down; and she has recorded a second
person the insider recalls. Each target is put back in the state its call needs whatever a call
before did. The forms to create are posted empty: the insider, past the 403, is refused by the
form (400), and nothing is written.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.mobilization import services
from epigrid.mobilization.models import Deployment, Team, TeamKind
from tests.base import World
from tests.security.matrix import Entry, obj, page

TEAM, TO_STAND_DOWN = "Matrix Commando Team", "Matrix Team to stand down"
PERSON, TO_RECALL = "Matrix Person", "Matrix Person to recall"
# A day the teams and people were already there, and not in the future, when the calls run.
YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def prepare(w: World) -> None:
    ten_days_ago = timezone.localdate() - datetime.timedelta(days=10)
    team = services.form_team(w.town_a, by=w.alice, kind=TeamKind.COMMANDO, name=TEAM,
                              formed_on=ten_days_ago, sent_by="Matrix Bureau")
    services.form_team(w.town_a, by=w.alice, kind=TeamKind.SECTOR, name=TO_STAND_DOWN,
                       formed_on=ten_days_ago)
    person = services.deploy(w.village_a1, by=w.alice, name=PERSON, unit="Matrix Bureau",
                             phone="19912340001", arrived_on=ten_days_ago, team=team,
                             leader=True, party_member=True)
    services.deploy(w.village_a1, by=w.alice, name=TO_RECALL, unit="Matrix Bureau",
                    phone="19912340002", arrived_on=ten_days_ago)
    services.commend(w.town_a, by=w.alice, deployment=person, honour="Matrix Model Cadre",
                     awarded_on=ten_days_ago, awarded_by="Dongcheng Town Committee")


def _team(w: World) -> Team:
    return Team.objects.get(name=TEAM)


def _to_stand_down(w: World) -> Team:
    """The team the insider stands down, standing again whatever a call before did."""
    team = Team.objects.get(name=TO_STAND_DOWN)
    Team.objects.filter(pk=team.pk).update(stood_down_on=None)
    return team


def _person(w: World) -> Deployment:
    return Deployment.objects.get(name=PERSON)


def _to_recall(w: World) -> Deployment:
    """The person the insider recalls, on duty again whatever a call before did."""
    person = Deployment.objects.get(name=TO_RECALL)
    Deployment.objects.filter(pk=person.pk).update(left_on=None)
    return person


EMPTY_FORM = frozenset({200, 400})  # the GET, and an empty form refused (nothing written)
DONE = frozenset({302})
PAGES: dict[str, Entry] = {
    "mobilization:index": page(insider_ok=DONE, shows_a=False),  # redirects to the people
    "mobilization:teams": page(queries=("", "?status=any", "?status=stood_down", "?q=Matrix",
                                        "?kind=commando", "?area={town_a}")),
    "mobilization:team_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "mobilization:team": obj(_team),
    "mobilization:team_edit": obj(_team, methods=("get", "post"), insider_ok=EMPTY_FORM),
    "mobilization:team_stand_down": obj(_to_stand_down, methods=("post",),
                                        data={"on": YESTERDAY}, insider_ok=DONE),
    "mobilization:deployments": page(queries=("", "?status=any", "?status=left", "?q=Matrix",
                                              "?party=on", "?area={town_a}")),
    "mobilization:deployment_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
    "mobilization:deployment": obj(_person),
    "mobilization:deployment_edit": obj(_person, methods=("get", "post"),
                                        insider_ok=EMPTY_FORM),
    "mobilization:deployment_recall": obj(_to_recall, methods=("post",),
                                          data={"on": YESTERDAY}, insider_ok=DONE),
    "mobilization:commendations": page(queries=("", "?q=Matrix", "?area={town_a}")),
    "mobilization:commendation_new": page(methods=("get", "post"), insider_ok=EMPTY_FORM),
}

API: dict[str, Entry] = {}
