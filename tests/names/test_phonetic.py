"""Phonetic keys and blocking keys: groups that must share, recall, size."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotlist.names import MAX_KEYS, blocking_keys, phonetic_key

SAME_KEY = [
    ("MOHAMMED", "MUHAMMAD", "MOHAMED", "MUHAMAD", "MOHAMMAD", "MUHAMMED"),
    ("HUSSEIN", "HUSSAIN", "HOSSEIN", "HUSEYIN", "HUSAIN"),
    ("YOUSSEF", "YUSUF", "YOUSEF", "JUSUF"),
    ("OSAMA", "USAMA"),
    ("ALEKSANDR", "ALEXANDR"),
    ("IVANOV", "IWANOW"),
    ("YURI", "IURII", "IOURI"),
    ("ABDELRAHMAN", "ABDULRAHMAN"),
    ("KHALID", "KHALED", "HALID"),
    ("MUELLER", "MULLER"),
    ("SCHMIDT", "SHMIDT"),
    ("ZHUKOV", "JUKOV"),
    ("QASIM", "KASIM"),
]


@pytest.mark.parametrize("group", SAME_KEY)
def test_groups_share_a_key(group: tuple[str, ...]) -> None:
    assert len({phonetic_key(t) for t in group}) == 1, [phonetic_key(t) for t in group]


def test_keys_stay_apart() -> None:
    assert phonetic_key("SMITH") != phonetic_key("BROWN")
    assert phonetic_key("IVANOV") != phonetic_key("PETROV")


# Base names of many cultures (synthetic combinations of common names).
BASES = [
    "MOHAMMED ALI HASSAN", "ABDUL RAHMAN AL SAYED", "FATIMA ZAHRA BENALI", "YOUSSEF KHALIL",
    "OMAR FAROUK ABDALLAH", "HUSSEIN AHMED MANSOUR", "IVANOV SERGEI PETROVICH",
    "KUZNETSOVA TATIANA", "SHCHERBAKOV IURII", "PAPADOPOULOS GEORGIOS", "NIKOLAOU ELENI",
    "MUELLER JUERGEN", "SCHROEDER BJOERN", "ERIKSSON ANNA MARIA", "GARCIA LOPEZ MARIA",
    "FERNANDEZ DE LA CRUZ JUAN", "VAN DER BERG JAN WILLEM", "DE SOUZA PAULO", "NGUYEN VAN AN",
    "TRAN THI HOA", "WANG XIAOMING", "ZHANG WEI", "KIM MINJUN", "PARK JIHOON", "OKAFOR CHUKWUEMEKA",
    "ADEYEMI OLUWASEUN", "SHARMA RAJESH KUMAR", "VENKATARAMAN SUBRAMANIAN", "YILMAZ MEHMET",
    "OZTURK HUSEYIN", "KOWALSKI PIOTR", "DUBOIS JEAN PIERRE", "OBRIEN SEAN PATRICK",
    "SMITH JOHN PETER", "MACDONALD IAN", "ABUBAKAR AMINU BELLO", "HOSSEINI ALIREZA",
    "JOVANOVIC MILOS", "KOVALENKO ANDRII", "LEFEBVRE CLAIRE",
]  # fmt: skip


def _typo(tok: str, rng: random.Random) -> str:
    if len(tok) < 3:
        return tok
    i = rng.randrange(1, len(tok))
    op = rng.randrange(4)
    letters = "ABCDEFGHIJKLMNOPRSTUVYZ"
    if op == 0:
        return tok[:i] + rng.choice(letters) + tok[i + 1 :]
    if op == 1:
        return tok[:i] + tok[i + 1 :]
    if op == 2:
        return tok[:i] + rng.choice(letters) + tok[i:]
    j = min(i, len(tok) - 2)
    return tok[:j] + tok[j + 1] + tok[j] + tok[j + 2 :]


def _variants(name: str, rng: random.Random) -> list[str]:
    toks = name.split()
    out = []
    for k in range(len(toks)):  # a typo in one token
        t = list(toks)
        t[k] = _typo(t[k], rng)
        out.append(" ".join(t))
    out.append(" ".join(reversed(toks)))  # reordered
    if len(toks) >= 3:  # middle name missing
        out.append(" ".join(toks[:1] + toks[2:]))
    for k in range(len(toks) - 1):  # joined
        out.append(" ".join([*toks[:k], toks[k] + toks[k + 1], *toks[k + 2 :]]))
    for k, tok in enumerate(toks):  # split
        if len(tok) >= 8:
            out.append(" ".join([*toks[:k], tok[:4], tok[4:], *toks[k + 1 :]]))
    swaps = [("OU", "U"), ("E", "A"), ("O", "U"), ("KH", "H"), ("SS", "S"), ("I", "Y"), ("UE", "U")]
    for old, new in swaps:  # transliteration variants
        if old in name:
            out.append(name.replace(old, new, 1))
    # two perturbations at once: a typo in one token and another reordered
    t = list(toks)
    t[0] = _typo(t[0], rng)
    out.append(" ".join(reversed(t)))
    return out


def test_blocking_recall() -> None:
    rng = random.Random(9303)
    total = shared = 0
    missed = []
    for base in BASES:
        keys = set(blocking_keys(base))
        assert 0 < len(keys) <= MAX_KEYS
        for var in _variants(base, rng):
            total += 1
            if keys & set(blocking_keys(var)):
                shared += 1
            else:
                missed.append((base, var))
    assert total > 350
    assert shared / total >= 0.99, missed


def test_blocking_keys_are_few_and_selective() -> None:
    for base in BASES:
        keys = blocking_keys(base)
        assert len(keys) <= MAX_KEYS
        assert all(len(k) >= 2 for k in keys), keys  # no single letters for real names
    # different people share few keys
    assert not set(blocking_keys("SMITH JOHN")) & set(blocking_keys("NGUYEN VAN AN"))


@given(st.text())
def test_keys_on_junk(text: str) -> None:
    keys = blocking_keys(text)
    assert len(keys) <= MAX_KEYS
    assert all(k and k.isascii() for k in keys)
    assert phonetic_key(text).isascii()


def test_initial_sounds() -> None:
    assert len({phonetic_key(t) for t in ("YELENA", "ELENA", "JELENA")}) == 1
    assert len({phonetic_key(t) for t in ("YEVGENIY", "EVGENII", "IEVGEN")}) == 1
    assert phonetic_key("JOHN") != phonetic_key("AN")
