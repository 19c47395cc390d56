"""A Hypothesis strategy of corrupted names for the name tests: a name from a
pool, normalised, then up to ``edits`` of the corruptions a listed name meets
(a typo, a transposition, a part dropped, joined, split, reduced to an
initial, the parts reversed, a part replaced, a particle added, a letter
doubled, the other gender's ending), and sometimes a comma form."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from hotlist.names import PARTICLES, normalize

ALL_OPS = (
    "typo", "transpose", "drop", "join", "split", "initial", "swap", "other",
    "particle", "double", "gender",
)  # fmt: skip


@st.composite
def corrupted(  # noqa: PLR0917 - a strategy's parameters
    draw: st.DrawFn,
    pool: Sequence[str],
    tokens: Sequence[str],
    ops: Sequence[str] = ALL_OPS,
    edits: int = 4,
    typo_letters: str = "AEIOUNRSTKHYZ",
    comma_anywhere: bool = True,
) -> str:
    toks = normalize(draw(st.sampled_from(pool))).replace(",", "").split() or ["X"]
    for _ in range(draw(st.integers(0, edits))):
        k = draw(st.integers(0, len(toks) - 1))
        tok = toks[k]
        op = draw(st.sampled_from(list(ops)))
        if op == "typo" and len(tok) > 2:
            i = draw(st.integers(1, len(tok) - 1))
            toks[k] = tok[:i] + draw(st.sampled_from(typo_letters)) + tok[i + 1 :]
        elif op == "transpose" and len(tok) > 2:
            i = draw(st.integers(0, len(tok) - 2))
            toks[k] = tok[:i] + tok[i + 1] + tok[i] + tok[i + 2 :]
        elif op == "drop" and len(toks) > 1:
            del toks[k]
        elif op == "join" and k + 1 < len(toks):
            toks[k : k + 2] = [tok + toks[k + 1]]
        elif op == "split" and len(tok) > 3:
            i = draw(st.integers(1, len(tok) - 1))
            toks[k : k + 1] = [tok[:i], tok[i:]]
        elif op == "initial":
            toks[k] = tok[0]
        elif op == "swap" and len(toks) > 1:
            toks.reverse()
        elif op == "other":
            toks[k] = draw(st.sampled_from(list(tokens)))
        elif op == "particle":
            toks.insert(k, draw(st.sampled_from(sorted(PARTICLES))))
        elif op == "double":
            i = draw(st.integers(0, len(tok) - 1))
            toks[k] = tok[: i + 1] + tok[i:]
        elif op == "gender":
            toks[k] = tok + draw(st.sampled_from(["A", "E", "O"]))
    if draw(st.booleans()) and len(toks) > 1:
        cut = draw(st.integers(1, len(toks) - 1)) if comma_anywhere else 1
        return f"{' '.join(toks[:cut])}, {' '.join(toks[cut:])}"
    return " ".join(toks)
