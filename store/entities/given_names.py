"""Given names from ``nomquamgender``'s name data, filtered once and cached on disk.

nomquamgender (MIT) ships a 22 MB JSON object of about 720,000 lower-case names, each with
``[sources, counts, p(gf), ...]``. Importing the package parses all of it and imports pandas
(over two seconds), so this module never imports it: it reads the data file in place and
scans the JSON text for the few thousand plain names common enough to be useful (seen in
``MIN_SOURCES`` sources and ``MIN_COUNTS`` times), in about a sixth of a second. The result is
cached in the user cache directory, keyed by the installed version, the thresholds and this
module's format; a missing, stale, corrupt or unreadable cache is rebuilt
without a word, and an unwritable cache directory only costs the scan on the next start.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import orjson
import platformdirs

from store.db import write_atomically
from store.paths import APP_NAME

PACKAGE = "nomquamgender"
DATA_FILE = "name_data.json"
MIN_SOURCES = 12
MIN_COUNTS = 200
CACHE_FORMAT = 1
"""Bump when what ``_scan`` keeps changes, so caches written by an older rule are rebuilt."""
CACHE_NAME = "given_names.json"

_PLAIN_NAME = re.compile(r"[a-z]{2,}")


def given_names() -> frozenset[str]:
    """Lower-case plain (ASCII letters only) given names common enough to trust."""
    key = _cache_key()
    path = cache_path()
    cached = _read_cache(path, key)
    if cached is not None:
        return cached
    names = _scan(_read_data())
    payload = orjson.dumps({"key": key, "names": sorted(names)})
    with contextlib.suppress(OSError):
        write_atomically(path, payload)
    return names


def cache_path() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / CACHE_NAME


def _read_data() -> bytes:
    # ``resources.files(PACKAGE)`` would import the package, and with it pandas and the whole
    # JSON file; a module made from the spec but never executed locates the data just as well.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        raise ModuleNotFoundError(f"the {PACKAGE} package is needed for given names", name=PACKAGE)
    anchor = importlib.util.module_from_spec(spec)
    return resources.files(anchor).joinpath(DATA_FILE).read_bytes()


def _cache_key() -> dict[str, Any]:
    return {
        "package": PACKAGE,
        "version": metadata.version(PACKAGE),
        "min_sources": MIN_SOURCES,
        "min_counts": MIN_COUNTS,
        "format": CACHE_FORMAT,
    }


def _read_cache(path: Path, key: dict[str, Any]) -> frozenset[str] | None:
    try:
        cached = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(cached, dict) or cached.get("key") != key:
        return None
    names = cached.get("names")
    if not isinstance(names, list) or not names:
        return None
    if not all(isinstance(name, str) and _PLAIN_NAME.fullmatch(name) for name in names):
        return None
    return frozenset(names)


def _record_pattern() -> re.Pattern[bytes]:
    # A JSON number at least as big as a threshold has at least as many digits, so the scan
    # skips most of the 720,000 records without converting a number; ``_scan`` checks values.
    # (Starting at the quote, a literal, keeps the scan fast: a class before it triples it.)
    return re.compile(
        rb'"([a-z]+)": \[(\d{%d,}), (\d{%d,}),' % (len(str(MIN_SOURCES)), len(str(MIN_COUNTS)))
    )


def _scan(raw: bytes) -> frozenset[str]:
    names = frozenset(
        name.decode()
        for name, sources, counts in _record_pattern().findall(raw)
        if len(name) >= 2 and int(sources) >= MIN_SOURCES and int(counts) >= MIN_COUNTS
    )
    if names:
        return names
    # The file's layout changed: parse it properly (slower, same answer).
    records: dict[str, list[Any]] = orjson.loads(raw)
    return frozenset(
        name
        for name, (sources, counts, *_) in records.items()
        if _PLAIN_NAME.fullmatch(name) and sources >= MIN_SOURCES and counts >= MIN_COUNTS
    )
