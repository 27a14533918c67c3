"""docs/access.md's table of capabilities is the code's: change one, change the other."""

from __future__ import annotations

from pathlib import Path

from epigrid.core.access import CAPABILITIES, Capability, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
COLUMNS = (Role.ADMIN, Role.COMMAND, Role.AREA_OFFICER, Role.GRID_WORKER, Role.CHECKPOINT_STAFF,
           Role.MEDICAL, Role.LOGISTICS, Role.SUPERVISOR, Role.VOLUNTEER)
HEADS = ("admin", "command", "area officer", "grid worker", "checkpoint staff", "medical",
         "logistics", "supervisor", "volunteer")


def capability_table() -> str:
    lines = ["| capability | " + " | ".join(HEADS) + " |",
             "| --- |" + " --- |" * len(COLUMNS)]
    for capability in Capability:
        marks = ("yes" if capability in CAPABILITIES[role] else "—" for role in COLUMNS)
        lines.append(f"| {capability.label} (`{capability.value}`) | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def test_it_documents_every_capability_of_every_role() -> None:
    assert capability_table() in DOC.read_text(encoding="utf-8"), (
        "docs/access.md's capability table differs from CAPABILITIES; it should read:\n"
        + capability_table())
