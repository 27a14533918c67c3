"""The briefing's formats 简报格式: DOCX and PDF (to read), XLSX (every figure), and writing them.

The page's download buttons, the API and `epigrid briefing` all come here: one `Briefing`
(content.py) is built once and rendered in each asked format.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from epigrid.areas.models import Area
from epigrid.briefing import content, docx_writer, pdf_writer, xlsx_writer


@dataclass(frozen=True)
class Format:
    key: str
    content_type: str
    render: Callable[[content.Briefing], bytes]


FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           docx_writer.render),
    Format("pdf", "application/pdf", pdf_writer.render),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           xlsx_writer.render),
)}


def filename(briefing: content.Briefing, key: str) -> str:
    return f"{briefing.stem}.{key}"


def render(briefing: content.Briefing, key: str) -> bytes:
    """The briefing in one format (KeyError for an unknown one)."""
    return FORMATS[key].render(briefing)


def write(area: Area, day: datetime.date, directory: Path,
          keys: Sequence[str] = tuple(FORMATS)) -> list[Path]:
    """Build the briefing once and write each format into `directory` (made if missing)."""
    briefing = content.build(area, day)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for key in keys:
        path = directory / filename(briefing, key)
        path.write_bytes(render(briefing, key))
        written.append(path)
    return written
