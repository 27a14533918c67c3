"""Typed readers of environment variables: the only place settings come from."""

from __future__ import annotations

import base64
import datetime
import decimal
import os
import re
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlparse


class ConfigError(ValueError):
    """An environment variable holds a value epigrid cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_token(name: str, default: str) -> str:
    """One word with no space, comma, "<" or "&" (a CAP sender 3.2.1: the feed's consumers
    split references on commas and spaces)."""
    raw = os.environ.get(name, "").strip() or default
    if re.search(r"[\s,<&]", raw):
        raise ConfigError(f"{name}={raw!r} holds a space, a comma, < or &")
    return raw


def env_url(name: str) -> str:
    """An http(s) address, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    if raw and not (raw.startswith(("http://", "https://")) and len(raw) > len("https://")):
        raise ConfigError(f"{name}={raw!r} is not an http:// or https:// address")
    return raw


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r} is below {minimum}")
    return value


def env_decimal(name: str, default: str) -> decimal.Decimal:
    raw = os.environ.get(name) or default
    try:
        return decimal.Decimal(raw.strip())
    except decimal.InvalidOperation as exc:
        raise ConfigError(f"{name}={raw!r} is not a number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_hhmm(name: str, default: str) -> tuple[int, int]:
    return parse_hhmm(name, os.environ.get(name) or default)


def parse_hhmm(name: str, raw: str) -> tuple[int, int]:
    try:
        hour_s, minute_s = raw.split(":")
        hour, minute = int(hour_s), int(minute_s)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a time of day like 16:00") from exc
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ConfigError(f"{name}={raw!r} is not a time of day like 16:00")
    return hour, minute


def env_times(name: str, default: str) -> tuple[tuple[int, int], ...]:
    """Times of day, comma-separated ("08:00,12:00"), in the day's order; none when empty."""
    raw = os.environ.get(name, default)
    found = {parse_hhmm(name, item.strip()) for item in raw.split(",") if item.strip()}
    return tuple(sorted(found))


class AlertLevel(NamedTuple):
    """An alert level 警戒值 of a daily figure: reached from below (`rising`), or fallen to from
    above (a hospital's last free ICU bed taken)."""

    code: str
    limit: int
    rising: bool


_ALERT_LEVEL = re.compile(r"([a-z][a-z0-9_]*)\s*(>=|<=|=)\s*(.*)")
_WHOLE = re.compile(r"[0-9]+")


def parse_alert_levels(name: str, raw: str) -> tuple[AlertLevel, ...]:
    """Alert levels from `code>=N` (rising; `code=N` says the same) and `code<=N` (falling),
    comma-separated; `none` for no alert level at all. The metric codes are checked where the
    metric registry is loaded (briefing.talking), not here: settings load before the apps."""
    text = raw.strip()
    if text.lower() == "none":
        return ()
    found: list[AlertLevel] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        match = _ALERT_LEVEL.fullmatch(item)
        if match is None:
            raise ConfigError(f"{name}: {item!r} is not CODE>=N, CODE=N or CODE<=N "
                              f"(CODE a metric code such as new_confirmed)")
        code, sign, number = match.groups()
        if not _WHOLE.fullmatch(number.strip()):
            raise ConfigError(f"{name}: {item!r}: {number.strip()!r} is not a whole number "
                              f"of 0 or more")
        level = AlertLevel(code, int(number), sign != "<=")
        if any((other.code, other.rising) == (code, level.rising) for other in found):
            raise ConfigError(f"{name}: {code} has two {'rising' if level.rising else 'falling'}"
                              f" alert levels")
        found.append(level)
    if not found:
        raise ConfigError(f"{name}={raw!r} names no alert level (write none for none)")
    return tuple(found)


def format_alert_levels(levels: Sequence[AlertLevel]) -> str:
    """The text `parse_alert_levels` reads back into `levels`."""
    return ",".join(f"{level.code}{'>=' if level.rising else '<='}{level.limit}"
                    for level in levels) or "none"


def env_alert_levels(name: str, default: str) -> tuple[AlertLevel, ...]:
    raw = os.environ.get(name)
    return parse_alert_levels(name, default if raw is None or raw.strip() == "" else raw)


def check_at_most(low_name: str, low: int, high_name: str, high: int) -> None:
    """Two settings that must keep their order (a medium level below the high one)."""
    if low > high:
        raise ConfigError(f"{low_name}={low} is above {high_name}={high}")


def data_dir() -> Path:
    path = Path(os.environ.get("EPIGRID_DATA_DIR") or Path.cwd() / "data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, or one generated once into the data directory."""
    return generated_secret("SECRET_KEY", directory / "secret_key",
                            lambda: secrets.token_urlsafe(50))


def generated_secret(name: str, key_file: Path, make: Callable[[], str]) -> str:
    """A secret from the environment or, for a demo, made once and kept in the data directory.

    Production sets the variable (and keeps it safe: losing a field key loses the data)."""
    value = os.environ.get(name)
    if value:
        return value
    if not key_file.exists():
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def field_key_spec() -> str:
    """A fresh EPIGRID_FIELD_KEYS value: one AES-256 key named by the date it was made."""
    raw = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    return f"k{datetime.date.today():%Y%m%d}:{raw}"  # noqa: DTZ011 - a label, not a time


def database(url: str, directory: Path, *, jit: bool = False) -> dict[str, object]:
    """Django's DATABASES['default'] from a DATABASE_URL (sqlite:///path or postgresql://...).

    PostgreSQL's JIT compiler is off unless `jit`: it compiles any query whose estimated cost
    passes jit_above_cost, and the batch look-ups of an import (a probe per row, estimated
    pessimistically while the table's statistics lag behind its growth) spent 0.2-0.3 s
    compiling for every 0.08 s of running. An `options` in the URL's query wins."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(directory / "epigrid.sqlite3"),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": _SQLITE_PRAGMAS}}
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = unquote(parsed.path)
        if name.startswith("//"):  # sqlite:////abs/path
            name = name[1:]
        elif name.startswith("/"):  # sqlite:///relative/path
            name = name[1:] or ":memory:"
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name or ":memory:",
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": _SQLITE_PRAGMAS}}
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        if not jit:
            options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": options.pop("host", parsed.hostname or ""),
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "OPTIONS": options,
        }
    raise ConfigError(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite or postgresql)")


_SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
