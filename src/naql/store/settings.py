"""What an index was built with (``naql trace``'s options), kept in its store: read by every
process that opens an index, the query's included, so it imports no pipeline stage."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import naql
from naql.config import Config, ProvenanceConfig, TextConfig
from naql.records import to_json
from naql.store import Store, StoreError

SETTINGS = "settings"


@dataclass(slots=True, frozen=True)
class Settings:
    """What decides the trace, fixed when the index is created (``naql trace``'s options)."""

    language: str = "en"
    trust_dates: bool = True
    clean: bool = True
    outlets: str | None = None  # path of an extra outlets file

    def config(self) -> Config:
        return Config(
            text=TextConfig(latin_language=self.language),
            provenance=ProvenanceConfig(trust_dates=self.trust_dates),
        )


def settings_of(store: Store) -> Settings | None:
    stored = store.get_meta(SETTINGS)
    return None if stored is None else Settings(**json.loads(stored))


def check_settings(store: Store, wanted: Settings) -> Settings:
    """The index's settings; on the first add, ``wanted`` becomes them. Different options on a
    later add are refused: one archive traced two ways would be neither."""
    stored = settings_of(store)
    if stored is None:
        return wanted
    if stored != wanted:
        differ = [
            f"{name} {getattr(stored, name)!r} (asked {getattr(wanted, name)!r})"
            for name in ("language", "trust_dates", "clean", "outlets")
            if getattr(stored, name) != getattr(wanted, name)
        ]
        raise StoreError(
            f"the index was built with other options: {', '.join(differ)}; "
            "pass the same options, or build a new index"
        )
    return stored


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of naql's own files (its code, its gazetteer and word lists): an entry
    remembered by one build of naql is never read back by another, whose stages may decide
    otherwise though the version string is the same (a development install, a fix)."""
    root = Path(naql.__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json", ".txt") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\x00")
            digest.update(path.read_bytes())
            digest.update(b"\x00")
    return digest.hexdigest()


def salt(settings: Settings, latin: bool) -> str:
    """What every remembered entry depends on besides its content: naql's version and its
    files' digest, the settings, the outlets file's content and how outlets are named."""
    outlets = b""
    if settings.outlets is not None:
        try:
            outlets = Path(settings.outlets).read_bytes()
        except OSError as error:
            raise StoreError(
                f"{settings.outlets}: the index's outlets file cannot be read ({error.strerror})"
            ) from None
    return json.dumps(
        [
            naql.__version__,
            code_fingerprint(),
            to_json(settings),
            hashlib.blake2b(outlets, digest_size=16).hexdigest(),
            latin,
        ]
    )
