"""What can be wrong with an import: a whole file, or one cell or row of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RowError:
    """One thing wrong with one row: where it is, what the cell held, and why it is refused."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value,
                "message": self.message}


class CellError(ValueError):
    """A cell's text cannot be read as the value its column needs. Parsers raise only this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImportFileError(Exception):
    """The file as a whole cannot be read: empty, not CSV/XLSX, wrong sheet, missing columns."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RowWriteError(Exception):
    """Raised while writing: this row cannot be saved (e.g. its parent row was not saved)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error
