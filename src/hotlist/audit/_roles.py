"""Roles: what a session may do and what a hit reveals to it.  Configuration, not code.

The default roles ship as ``hotlist/audit/roles.toml`` (frontline, analyst,
auditor, admin); ``load_roles`` reads another TOML file or a mapping of the
same shape, and ``HOTLIST_ROLES`` names a file to use instead of the default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotlist import datasets
from hotlist._errors import InvalidQuery
from hotlist.schema import DATASETS, SCHEMAS

__all__ = ["DEFAULT_ROLES", "RIGHTS", "Role", "load_roles"]

DEFAULT_ROLES = Path(__file__).with_name("roles.toml")
RIGHTS = frozenset(
    {"check", "confirm", "full_records", "sql", "reload", "audit_search", "audit_verify", "keys"}
)


@dataclass(frozen=True)
class Role:
    """A role: its rights and, per dataset, the record fields a hit shows
    (None: the whole record).  ``record_id`` is always shown."""

    name: str
    rights: frozenset[str]
    fields: Mapping[str, frozenset[str]] | None
    reasons: bool = True
    description: str = ""
    _keep: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    def allows(self, right: str) -> bool:
        return right in self.rights

    @property
    def full_records(self) -> bool:
        return self.fields is None

    def record_fields(self, dataset: str) -> tuple[str, ...] | None:
        """The record fields shown for ``dataset`` (None: all), in schema order."""
        if self.fields is None:
            return None
        keep = self._keep.get(dataset)
        if keep is None:
            allowed = self.fields.get(dataset, frozenset()) | {"record_id"}
            # any registered kind's schema (a run-time kind's records show record_id only
            # unless the role's fields name it)
            keep = tuple(n for n in datasets.get(dataset).schema.names if n in allowed)
            self._keep[dataset] = keep
        return keep

    def filter_record(self, dataset: str, record: Mapping[str, Any]) -> dict[str, Any]:
        keep = self.record_fields(dataset)
        if keep is None:
            return dict(record)
        return {k: record[k] for k in keep if k in record}


def _role(name: str, spec: Mapping[str, Any]) -> Role:
    if not isinstance(spec, Mapping):
        raise InvalidQuery(f"role {name!r}: expected a table of settings, not {spec!r}")
    unknown_keys = set(spec) - {"rights", "fields", "reasons", "description"}
    if unknown_keys:
        raise InvalidQuery(f"role {name!r}: unknown setting(s) {sorted(unknown_keys)}")
    rights = frozenset(spec.get("rights", ()))
    bad = rights - RIGHTS
    if bad:
        raise InvalidQuery(
            f"role {name!r}: unknown right(s) {sorted(bad)}; rights are {sorted(RIGHTS)}"
        )
    raw = spec.get("fields", {})
    fields: dict[str, frozenset[str]] | None
    if raw == "*":
        fields = None
    elif isinstance(raw, Mapping):
        fields = {}
        for dataset, names in raw.items():
            if dataset not in DATASETS:
                raise InvalidQuery(f"role {name!r}: unknown dataset {dataset!r}")
            wanted = frozenset([names] if isinstance(names, str) else names)
            if "*" in wanted:
                fields[dataset] = frozenset(SCHEMAS[dataset].names)
                continue
            unknown = wanted - set(SCHEMAS[dataset].names)
            if unknown:
                raise InvalidQuery(f"role {name!r}: {dataset} has no field(s) {sorted(unknown)}")
            fields[dataset] = wanted
    else:
        raise InvalidQuery(f'role {name!r}: fields must be "*" or a table per dataset')
    if fields is None:
        rights = rights | {"full_records"}
    return Role(
        name=name,
        rights=rights,
        fields=fields,
        reasons=bool(spec.get("reasons", True)),
        description=str(spec.get("description", "")),
    )


def load_roles(source: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> dict[str, Role]:
    """Roles from a TOML file, a mapping, or (None) ``HOTLIST_ROLES`` / the default file."""
    if source is None:
        source = os.environ.get("HOTLIST_ROLES") or DEFAULT_ROLES
    if isinstance(source, Mapping):
        spec: Mapping[str, Any] = source
    else:
        path = Path(source)
        try:
            spec = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidQuery(f"roles file {path} not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise InvalidQuery(f"roles file {path} is not valid TOML: {exc}") from None
    roles = {name: _role(name, value) for name, value in spec.items()}
    if not roles:
        raise InvalidQuery("no roles defined")
    return roles
