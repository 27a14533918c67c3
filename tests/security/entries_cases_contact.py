"""Security-matrix entries of the contact routes: contacts, chains, clusters, to act on.

`prepare` makes town A's tracing story once, with people of its own (other parts' cases do not
collide): Tian Matrix (confirmed, grid A1-1) met Ma Matrix (confirmed, grid A1-2: the two make
a cluster), Hu Matrix (a close contact of grid A2-1, not in quarantine yet) and a stranger still
to identify, who is Lu Matrix (registered, ID number below). Nobody of town B is in it, so
people of town B must get 404s and lists without any of it.
"""

from __future__ import annotations

from typing import Any

from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, Exposure
from epigrid.cases.states import State
from epigrid.registry import services as registry
from epigrid.registry.models import Person
from tests.base import World
from tests.security.matrix import Entry, obj, page

EXPOSED_ON = "2020-02-01"
SOURCE, CLUSTERMATE, CONTACT, FOUND = "Tian Matrix", "Ma Matrix", "Hu Matrix", "Lu Matrix"
ID_FOUND = "420102199002020054"  # fictional, valid check digit
STRANGER = "Matrix stranger"
REDIRECT = frozenset({302})


def prepare(w: World) -> None:
    source = registry.create_person(grid=w.grid_a1_1, name=SOURCE)
    mate = registry.create_person(grid=w.grid_a1_2, name=CLUSTERMATE)
    contact = registry.create_person(grid=w.grid_a2_1, name=CONTACT)
    registry.create_person(grid=w.grid_a2_1, name=FOUND, id_number=ID_FOUND)
    for person in (source, mate):
        services.open_case(person, State.CONFIRMED, reason="matrix", evidence=Evidence.TEST)
    services.open_case(contact, State.CLOSE_CONTACT, reason="matrix contact")
    for other, name in ((mate, ""), (contact, ""), (None, STRANGER)):
        Exposure.objects.create(source=source, contact=other, contact_name=name,
                                area_path=source.area_path, exposed_on=EXPOSED_ON)


def _source_case(w: World) -> Case:
    return Case.objects.get(person__name=SOURCE, is_open=True)


def _unidentified(w: World) -> Exposure:
    """The stranger's exposure; once the insider identified it, a new one (same story)."""
    source = Person.objects.get(name=SOURCE)
    found = Exposure.objects.filter(source=source, contact__isnull=True).first()
    return found or Exposure.objects.create(source=source, contact_name=STRANGER,
                                            area_path=source.area_path, exposed_on=EXPOSED_ON)


def _cluster(w: World) -> dict[str, Any]:
    return {"person_id": Person.objects.get(name=SOURCE).pk}


def _api_cluster(w: World) -> dict[str, Any]:
    return {"key": _cluster(w)["person_id"]}


PAGES: dict[str, Entry] = {
    "cases:contact_list": obj(_source_case),
    "cases:contact_add": obj(_source_case, methods=("post",), insider_ok=REDIRECT,
                             data={"contact_name": "Matrix neighbour", "exposed_on": EXPOSED_ON,
                                   "setting": "household"}),
    "cases:contact_identify": obj(_unidentified, methods=("post",), insider_ok=REDIRECT,
                                  data={"id_number": ID_FOUND}),
    "cases:contact_todo": page(),
    "cases:chain": obj(_source_case, queries=("", "?generations=1", "?generations=10")),
    "cases:cluster_list": page(),
    "cases:cluster_detail": obj(_cluster),
}

API: dict[str, Entry] = {
    "GET /api/contacts/exposures": page(queries=("", "?unidentified=true"), shows_a=False),
    # Case 0 does not exist: refused alike for everyone (the stories are in test_contact_api).
    "POST /api/contacts/exposures": page(methods=("post",), insider_ok=frozenset({404}),
                                         shows_a=False,
                                         data={"case_id": 0, "exposed_on": EXPOSED_ON,
                                               "contact_name": "Matrix API contact"}),
    # The page's identify (called first) already linked Lu Matrix to a stranger of that day: the
    # API's second link of the same exposure answers 422, or 200 when called alone.
    "POST /api/contacts/exposures/{id}/identify": obj(_unidentified, methods=("post",),
                                                      data={"id_number": ID_FOUND},
                                                      insider_ok=frozenset({200, 422}),
                                                      shows_a=False),
    "GET /api/contacts/chain/{case_id}": obj(lambda w: {"case_id": _source_case(w).pk},
                                             queries=("", "?generations=2")),
    "GET /api/contacts/clusters": page(),
    "GET /api/contacts/clusters/{key}": obj(_api_cluster),
    "GET /api/contacts/to-act-on/identify": page(shows_a=False),
    "GET /api/contacts/to-act-on/quarantine": page(),
}
