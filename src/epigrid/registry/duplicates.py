"""Which ID numbers are held in more than one household: noted as persons are saved, so that
the duplicates list reads a handful of rows, not the registry (a district's 500,000 persons
grouped took most of a second a view, a city's would take a minute).

A person saved through the services (a form, the API, a new member met on a round) notes its
ID when another household holds it (`note_shared`: one probe of the hash index). A roster
import refuses such a row, so it notes none. What is written another way (the demo's data,
two sessions saving the same ID at once, a row deleted since) is set right by `recount()`,
which groups the whole registry once: every night (beat), and after the demo's data. The
list itself counts the households of each noted ID live, within its reader's scope, so a
noted ID no longer shared shows nothing.
"""

from __future__ import annotations

from django.db.models import Count

from epigrid.registry.models import DuplicateId, Person

CHUNK = 1_000


def note_shared(person: Person) -> bool:
    """Note the person's ID if a person of another household holds it; whether it does."""
    key = person.id_number_hash
    if not key or person.household_id is None:
        return False
    shared = (Person.objects.filter(id_number_hash=key, household__isnull=False)
              .exclude(household_id=person.household_id).exists())
    if shared:
        DuplicateId.objects.get_or_create(id_number_hash=key)
    return shared


def shared_everywhere() -> set[str]:
    """Every ID hash held in more than one household, the whole registry grouped."""
    return set(Person.objects.exclude(id_number_hash="").filter(household__isnull=False)
               .values("id_number_hash").annotate(households=Count("household_id", distinct=True))
               .filter(households__gt=1).order_by().values_list("id_number_hash", flat=True))


def recount() -> tuple[int, int]:
    """Note every shared ID and drop the noted ones no longer shared: (noted, dropped)."""
    # Read before the grouping: an ID noted meanwhile (after this read) is not dropped.
    stored = set(DuplicateId.objects.values_list("id_number_hash", flat=True))
    found = shared_everywhere()
    new, gone = sorted(found - stored), sorted(stored - found)
    DuplicateId.objects.bulk_create([DuplicateId(id_number_hash=key) for key in new],
                                    batch_size=CHUNK, ignore_conflicts=True)
    for start in range(0, len(gone), CHUNK):
        DuplicateId.objects.filter(id_number_hash__in=gone[start:start + CHUNK]).delete()
    return len(new), len(gone)
