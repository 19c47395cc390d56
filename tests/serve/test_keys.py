"""The keys file and `hotlist keys`: keys are shown once and stored only as hashes;
the rate limiter's token bucket against a slow, separately written reference."""

from __future__ import annotations

import hashlib
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotlist.cli import main
from hotlist.serve._app import RateLimiter
from hotlist.serve._keys import ApiKey, KeysFileError, KeyStore, add_key, remove_key


def test_keys_add_prints_the_key_once_and_stores_only_its_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "keys.toml"
    args = ["keys", "add", "gate-cdg-01", "--role", "frontline", "--purpose", "border control"]
    assert main([*args, "--post", "CDG-T2", "--keys", str(path)]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("hl_") and len(key) > 40
    text = path.read_text()
    assert key not in text
    assert key[3:] not in text
    assert hashlib.sha256(key.encode()).hexdigest() in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = tomllib.loads(text)["keys"]["gate-cdg-01"]
    assert entry["role"] == "frontline"
    assert entry["purpose"] == "border control"
    assert entry["post"] == "CDG-T2"

    store = KeyStore.read(path)
    found = store.lookup(key)
    assert found is not None and found.name == "gate-cdg-01"
    assert store.lookup(key + "x") is None
    assert store.lookup(key.encode()) == found

    assert main(["keys", "list", "--keys", str(path)]) == 0
    listed = capsys.readouterr().out
    assert "gate-cdg-01" in listed and key not in listed


def test_two_keys_differ_and_names_are_unique(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    a = add_key(path, "a", role="frontline", purpose="p", post="X")
    b = add_key(path, "b", role="analyst", purpose="p", post="Y")
    assert a != b
    with pytest.raises(KeysFileError, match="exists"):
        add_key(path, "a", role="frontline", purpose="p", post="X")
    assert remove_key(path, "a") is True
    assert remove_key(path, "a") is False
    store = KeyStore.read(path)
    assert store.lookup(a) is None
    assert store.lookup(b) is not None


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("has space", {}),
        ("ok", {"role": ""}),
        ("ok", {"purpose": "  "}),
        ("ok", {"post": ""}),
        ("ok", {"rate": -1.0}),
        ("ok", {"burst": 0}),
    ],
)
def test_bad_keys_are_refused(tmp_path: Path, name: str, fields: dict[str, object]) -> None:
    given_fields: dict[str, object] = {"role": "frontline", "purpose": "p", "post": "X", **fields}
    with pytest.raises(KeysFileError):
        add_key(tmp_path / "k.toml", name, **given_fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "[keys\n",
        'keys = "x"\n',
        '[keys.a]\nhash = "sha256:00"\nrole = "r"\npurpose = "p"\npost = "x"\n',
        '[keys.a]\nhash = "sha256:' + "0" * 64 + '"\nrole = "r"\npost = "x"\n',
    ],
)
def test_bad_keys_files_say_what_is_wrong(tmp_path: Path, text: str) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(text)
    with pytest.raises(KeysFileError, match=str(path)):
        KeyStore.read(path)


def test_a_missing_keys_file_is_empty(tmp_path: Path) -> None:
    assert len(KeyStore.read(tmp_path / "none.toml")) == 0


def _reference_allowed(rate: float, burst: int, times: list[float]) -> list[bool]:
    """Slow reference: a request at t is allowed when fewer than ``burst + rate * (t - t0)``
    requests were allowed up to t, counting the bucket's cap of ``burst`` tokens."""
    allowed: list[bool] = []
    tokens = float(burst)
    last = times[0] if times else 0.0
    for t in times:
        tokens = min(float(burst), tokens + (t - last) * rate)
        last = t
        if tokens >= 1.0:
            tokens -= 1.0
            allowed.append(True)
        else:
            allowed.append(False)
    return allowed


@given(
    rate=st.floats(0.5, 50),
    burst=st.integers(1, 20),
    gaps=st.lists(st.floats(0, 2), max_size=60),
)
def test_rate_limiter_matches_a_token_bucket(rate: float, burst: int, gaps: list[float]) -> None:
    times = []
    t = 1000.0
    for g in gaps:
        t += g
        times.append(t)
    key = ApiKey("k", "sha256:" + "0" * 64, "r", "p", "x", rate=rate, burst=burst)
    limiter = RateLimiter()
    got = [limiter.take(key, now=t) == 0.0 for t in times]
    assert got == _reference_allowed(rate, burst, times)


def test_rate_limiter_tells_how_long_to_wait() -> None:
    key = ApiKey("k", "sha256:" + "0" * 64, "r", "p", "x", rate=2.0, burst=1)
    limiter = RateLimiter()
    assert limiter.take(key, now=10.0) == 0.0
    assert limiter.take(key, now=10.0) == pytest.approx(0.5)
    assert limiter.take(key, now=10.5) == 0.0
    unlimited = ApiKey("u", "sha256:" + "0" * 64, "r", "p", "x", rate=0.0, burst=1)
    assert all(limiter.take(unlimited, now=10.0) == 0.0 for _ in range(1000))
