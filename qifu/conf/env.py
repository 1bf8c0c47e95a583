"""Typed readers for QIFU_* environment variables; only settings.py calls them."""

import os

from qifu.conf.registry import SETTINGS

_KNOWN = {s.name for s in SETTINGS}


def _raw(name: str) -> str | None:
    if name not in _KNOWN:
        raise KeyError(f"{name} is not in qifu.conf.registry.SETTINGS")
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_opt(name: str) -> str | None:
    return _raw(name)


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 1 or 0, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    return default if value is None else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {value!r}") from None


def env_floats(name: str, default: tuple[float, ...]) -> tuple[float, ...]:
    """Comma-separated numbers, e.g. `0.1,0.5,0.4`."""
    value = _raw(name)
    if value is None:
        return default
    try:
        return tuple(float(item) for item in value.split(","))
    except ValueError:
        raise ValueError(f"{name} must be comma-separated numbers, not {value!r}") from None
