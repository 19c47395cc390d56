"""The matching rules of documents, VINs and plates, written again from the text.

Sources: the README's match-level table and DESIGN.md "Matching semantics".
Nothing here imports hotlist: no normaliser, no index, no scorer.  It is slow
on purpose (a loop over every record, plain string code) so that it is easy to
read against the written rules:

- a compacted value is upper-cased (ASCII letters) with spaces (any white space,
  the no-break space too), hyphens, dots, slashes and the MRZ filler ``<`` dropped;
- ``exact``: the same compacted value;
- ``ocr``: equal once the OCR look-alikes {0 O D Q} {1 I L} {2 Z} {5 S} {8 B}
  {6 G} are taken as equal (VINs: I reads as 1, O and Q as 0, nothing else);
- ``edit`` (documents, VINs of 9 or more characters): one substitution,
  insertion, deletion or transposition of two neighbours, look-alikes counting
  as equal;
- ``partial`` (VINs): a query of 6 to 8 characters matches every listed VIN
  ending with it;
- plates: exact and OCR only, qualified by the registration country;
- the same number under another or an unknown issuer is a weaker hit, never
  dropped.

Severity (README, "Severity: what a hit asks of the officer"), without a query
that corroborates (no MRZ here): a document is an ``alarm`` when its number is
``exact`` or ``ocr`` and the issuer asked is the listed one, was not given, or is
unknown on either side, except an ``ocr`` number that differs from the listed one
only where a letter stands for another letter (O/D/Q, I/L: a different valid
number is as likely), which is ``possible``; a VIN when ``exact`` or ``ocr``; a plate when ``exact``
or ``ocr`` with the registration country asked being the listed one.  Every
other hit is ``possible``.

Scores are not written down as numbers, only as an order: a stronger level
outscores a weaker one under the same issuer relation, and the same level
outscores itself under another or an unknown issuer.  :func:`stronger` says
when one (level, issuer relation) must score above another.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("exact", "ocr", "edit", "partial")

# README / DESIGN: {0 O D Q} {1 I L} {2 Z} {5 S} {8 B} {6 G}; the first of each is its stand-in.
DOCUMENT_LOOKALIKES = ("0ODQ", "1IL", "2Z", "5S", "8B", "6G")
VIN_LOOKALIKES = ("1I", "0OQ")
DROPPED = " \t\n\r\v\f\u00a0-./<"  # white space (no-break space too), - . / and <
UNKNOWN_ISSUERS = ("XXA", "XXB", "XXC", "XXX")  # ICAO 9303: stateless, refugee, unspecified


def compacted(value: str) -> str:
    out = ""
    for ch in value:
        if ch in DROPPED:
            continue
        out += ch.upper() if "a" <= ch <= "z" else ch
    return out


def folded(value: str, classes: tuple[str, ...] = DOCUMENT_LOOKALIKES) -> str:
    """``value`` compacted, each look-alike replaced by the first of its class."""
    out = ""
    for ch in compacted(value):
        stand_in = ch
        for group in classes:
            if ch in group:
                stand_in = group[0]
                break
        out += stand_in
    return out


def one_edit_apart(a: str, b: str) -> bool:
    """Exactly one substitution, insertion, deletion or swap of neighbours apart."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def document_level(query: str, listed: str, *, max_edits: int) -> str | None:
    if compacted(query) == compacted(listed):
        return "exact"
    if folded(query) == folded(listed):
        return "ocr"
    if max_edits >= 1 and one_edit_apart(folded(query), folded(listed)):
        return "edit"
    return None


def letters_for_letters(query: str, listed: str) -> bool:
    """Whether two ``ocr``-equal numbers differ only where both hold a letter
    (a letter read as a look-alike letter, never a digit read as a letter)."""
    q, n = compacted(query), compacted(listed)
    diff = [i for i in range(len(q)) if q[i] != n[i]]
    return bool(diff) and all(q[i].isalpha() and n[i].isalpha() for i in diff)


def issuer_relation(asked: str | None, listed: str | None) -> str:
    """``same`` (or not asked: nothing to compare), ``unknown`` or ``other``."""
    if asked is None or asked == listed:
        return "same"
    if listed is None or listed in UNKNOWN_ISSUERS or asked in UNKNOWN_ISSUERS:
        return "unknown"
    return "other"


def vin_level(query: str, listed: str, *, max_edits: int) -> str | None:
    q, n = compacted(query), compacted(listed)
    qf, nf = folded(q, VIN_LOOKALIKES), folded(n, VIN_LOOKALIKES)
    if q == n:
        return "exact"
    if qf == nf:
        return "ocr"
    if 6 <= len(q) <= 8:
        return "partial" if nf.endswith(qf) else None
    if max_edits >= 1 and one_edit_apart(qf, nf):
        return "edit"
    return None


def plate_level(query: str, listed: str) -> str | None:
    if compacted(query) == compacted(listed):
        return "exact"
    if folded(query) == folded(listed):
        return "ocr"
    return None


@dataclass(frozen=True)
class Expected:
    record_id: str
    level: str
    relation: str = "same"  # issuer relation: same, unknown, other
    severity: str = "possible"


def stronger(a: Expected, b: Expected) -> bool:
    """Whether the written rules say ``a`` must score above ``b`` (a partial order)."""
    # The issuer asked outscores another or an unknown one; the rules do not order
    # "another" against "unknown", so neither is stronger than the other.
    la, lb = LEVELS.index(a.level), LEVELS.index(b.level)
    relation_at_least = a.relation in (b.relation, "same")
    return la <= lb and relation_at_least and (la, a.relation) != (lb, b.relation)


def documents(
    records: list[tuple[str, str, str]], query: str, asked: str | None, *, max_edits: int
) -> list[Expected]:
    """``records``: (record_id, number, issuing country)."""
    out = []
    for rid, number, issuer in records:
        level = document_level(query, number, max_edits=max_edits)
        if level is not None:
            relation = issuer_relation(asked, issuer)
            alarm = level in ("exact", "ocr") and relation in ("same", "unknown")
            if level == "ocr" and letters_for_letters(query, number):
                alarm = False
            out.append(Expected(rid, level, relation, "alarm" if alarm else "possible"))
    return out


def vins(records: list[tuple[str, str]], query: str, *, max_edits: int) -> list[Expected]:
    """``records``: (record_id, VIN)."""
    out = []
    for rid, listed in records:
        level = vin_level(query, listed, max_edits=max_edits)
        if level is not None:
            alarm = level in ("exact", "ocr")
            out.append(Expected(rid, level, severity="alarm" if alarm else "possible"))
    return out


def plates(
    records: list[tuple[str, str, str | None]], query: str, asked: str | None
) -> list[Expected]:
    """``records``: (record_id, plate, registration country)."""
    out = []
    for rid, listed, country in records:
        level = plate_level(query, listed)
        if level is not None:
            alarm = asked is not None and asked == country
            severity = "alarm" if alarm else "possible"
            out.append(Expected(rid, level, issuer_relation(asked, country), severity))
    return out
