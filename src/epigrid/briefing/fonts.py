"""The CJK font 中文字体 of the briefing's PDF and charts: found on the machine at run time.

Asked of fontconfig first (`fc-match`, the font the desktop would use for Simplified Chinese),
then looked for among the usual install places of Noto Sans CJK / Source Han Sans / WenQuanYi,
or named by `settings.BRIEFING_CJK_FONT` (the environment's `EPIGRID_CJK_FONT`). A collection
(.ttc) holds several faces: the Simplified Chinese one is picked by its name.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess  # noqa: S404 - fc-match, a fixed argument list, no shell
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

PATTERN = "Noto Sans CJK SC:lang=zh-cn"
CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/OTF/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansCN-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
SUFFIXES = (".ttc", ".otf", ".ttf", ".otc")
# Chinese glyphs every briefing prints: a font without them is not a CJK font.
PROBE = "简报确诊"


class NoCJKFontError(RuntimeError):
    """No font with Chinese glyphs was found: the PDF cannot be typeset."""


@dataclass(frozen=True)
class CJKFont:
    path: Path
    index: int  # the face within a collection (0 for a single font)
    family: str  # its family name, as matplotlib registers it


def _fc_match() -> Path | None:
    binary = shutil.which("fc-match")
    if binary is None:
        return None
    try:
        found = subprocess.run([binary, "-f", "%{file}", PATTERN], capture_output=True,  # noqa: S603
                               text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found else None


def candidates() -> list[Path]:
    """Where to look, in order: the setting, fontconfig, the usual paths."""
    named = getattr(settings, "BRIEFING_CJK_FONT", "") or os.environ.get("EPIGRID_CJK_FONT", "")
    found = [Path(named)] if named else []
    matched = _fc_match()
    if matched is not None:
        found.append(matched)
    return [*found, *(Path(path) for path in CANDIDATES)]


def _fonts(path: Path) -> list[Any]:
    """The faces of a font file (lazily read)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in {".ttc", ".otc"}:
        return list(TTCollection(str(path), lazy=True).fonts)
    return [TTFont(str(path), lazy=True)]


def _preferred(family: str) -> bool:
    """A Simplified Chinese, proportional face (Noto's collection lists JP first)."""
    return family.endswith(("SC", " CN")) and "Mono" not in family


def _pick(path: Path) -> CJKFont | None:
    try:
        fonts = _fonts(path)
        named = [(index, font["name"].getDebugName(1) or path.stem, font)
                 for index, font in enumerate(fonts)]
        for index, family, font in sorted(named, key=lambda face: not _preferred(face[1])):
            cmap = font.getBestCmap() or {}
            if all(ord(char) in cmap for char in PROBE):
                return CJKFont(path=path, index=index, family=family)
    except Exception:  # an unreadable or foreign file is simply not the one  # noqa: S110
        return None
    return None


@functools.cache
def cjk_font() -> CJKFont:
    """The first usable CJK font; NoCJKFontError when the machine has none."""
    for path in candidates():
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            found = _pick(path)
            if found is not None:
                return found
    raise NoCJKFontError(
        "No CJK font was found (install fonts-noto-cjk, or name one with EPIGRID_CJK_FONT).")
