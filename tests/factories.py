"""factory_boy factories for the records tests need many of. The named world is in tests.base."""

from __future__ import annotations

import factory

from epigrid.areas.models import Area, Checkpoint, Facility, Level, Warehouse


class AreaFactory(factory.django.DjangoModelFactory):
    """A grid under `parent` (give one); Area.save() writes its path."""

    class Meta:
        model = Area

    level = Level.GRID
    code = factory.Sequence(lambda n: f"GRID-{n:06d}")
    name = factory.Sequence(lambda n: f"Grid {n}")
    population = 100
    households = 40


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkpoint

    code = factory.Sequence(lambda n: f"CP-F-{n:05d}")
    name = factory.Sequence(lambda n: f"Gate {n}")
    kind = Checkpoint.Kind.COMMUNITY_GATE


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"FA-F-{n:05d}")
    name = factory.Sequence(lambda n: f"Market {n}")
    kind = Facility.Kind.MARKET


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH-F-{n:05d}")
    name = factory.Sequence(lambda n: f"Depot {n}")
