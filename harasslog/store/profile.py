"""The borrower's profile (one row): name, region, time zone, rule pack. A chained fact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..errors import InputError
from ..normalize import check_region, zone
from ._sql import now_iso, row
from .localtime import write_offsets

if TYPE_CHECKING:
    from . import Store

JURISDICTIONS = ("cn", "us", "uk")
_DEFAULT_JURISDICTION = {"CN": "cn", "US": "us", "GB": "uk"}
_DEFAULT_TZ = {"CN": "Asia/Shanghai", "GB": "Europe/London", "US": "America/New_York"}
_FALLBACK = {"region": "CN", "tz": "Asia/Shanghai", "jurisdiction": "cn"}


class Profile:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn
        self._cached: dict[str, Any] | None = None

    def forget(self) -> None:
        self._cached = None

    def exists(self) -> bool:
        return self._conn.execute("SELECT 1 FROM profile WHERE id = 1").fetchone() is not None

    def get(self) -> dict[str, Any]:
        """The profile, or defaults (China) when there is none yet."""
        if self._cached is None:
            self._cached = row(self._conn, "SELECT * FROM profile WHERE id = 1") or dict(_FALLBACK)
        return self._cached

    def set(
        self,
        *,
        name: str | None = None,
        phone: str | None = None,
        region: str | None = None,
        tz: str | None = None,
        jurisdiction: str | None = None,
        lang: str | None = None,
        id_number: str | None = None,
    ) -> dict[str, Any]:
        """Create or update the profile; unspecified fields keep their value."""
        self._store.require_transaction()
        current = row(self._conn, "SELECT * FROM profile WHERE id = 1") or {}
        # Any region phonenumbers reads numbers for; a stored one is kept as it is.
        region = check_region(region) if region is not None else str(current.get("region") or "CN")
        tz_name = tz or current.get("tz") or _DEFAULT_TZ.get(region, "UTC")
        zone(tz_name)
        juris = (jurisdiction or current.get("jurisdiction") or _DEFAULT_JURISDICTION.get(region, "cn")).lower()
        if juris not in JURISDICTIONS:
            raise InputError(f"jurisdiction must be one of {', '.join(JURISDICTIONS)}, not {juris!r}")
        if lang is not None and lang not in ("zh", "en"):
            raise InputError(f"language must be zh or en, not {lang!r}")
        values = {
            "name": name if name is not None else current.get("name"),
            "phone": phone if phone is not None else current.get("phone"),
            "id_number": id_number if id_number is not None else current.get("id_number"),
            "region": region,
            "tz": tz_name,
            "jurisdiction": juris,
            "lang": lang if lang is not None else current.get("lang"),
            "created_at": current.get("created_at") or now_iso(),
            "updated_at": now_iso(),
        }
        if current:
            self._store.ledger.change("profile", 1, values)
        else:
            columns = ", ".join(values)
            self._conn.execute(
                f"INSERT INTO profile (id, {columns}) VALUES (1, {', '.join('?' * len(values))})",
                tuple(values.values()),
            )
            self._store.ledger.record("profile", 1, values)
        write_offsets(self._conn, tz_name)  # the views' local times follow the profile's zone
        self._cached = None
        return {"id": 1, **values}

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.get()["tz"])

    @property
    def region(self) -> str:
        return str(self.get()["region"])

    @property
    def jurisdiction(self) -> str:
        return str(self.get()["jurisdiction"])
