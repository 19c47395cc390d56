"""TLS and mutual TLS with a throwaway CA made in the test: the client certificate's
subject becomes the session's operator; no certificate, no connection."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from serve_helpers import Keys, Server, serve

pytest.importorskip("cryptography")
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    stranger_cert: Path
    stranger_key: Path


def _name(**parts: str) -> x509.Name:
    oids = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME, "C": NameOID.COUNTRY_NAME}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts.items()])


def _issue(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool = False,
    ip: str | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ip:
        b = b.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False
        )
    return b.sign(issuer_key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Path:
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(CN="hotlist test CA")
    ca = _issue(ca_name, ca_key, ca_name, ca_key, ca=True)
    _write(d / "ca.pem", ca, ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _issue(_name(CN="127.0.0.1"), server_key, ca_name, ca_key, ip="127.0.0.1")
    _write(d / "server.pem", server, server_key)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _issue(_name(C="FR", O="Border Police", CN="officer-17"), client_key, ca_name, ca_key)
    _write(d / "client.pem", client, client_key)
    # A certificate from another CA: the server must refuse it.
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_name = _name(CN="someone else's CA")
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    stranger = _issue(_name(CN="intruder"), stranger_key, other_name, other_key)
    _write(d / "stranger.pem", stranger, stranger_key)
    return Pki(
        ca=d / "ca.pem",
        server_cert=d / "server.pem",
        server_key=d / "server.key",
        client_cert=d / "client.pem",
        client_key=d / "client.key",
        stranger_cert=d / "stranger.pem",
        stranger_key=d / "stranger.key",
    )


def _context(pki: Pki, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(pki.ca))
    if cert is not None:
        ctx.load_cert_chain(str(cert), str(key))
    return ctx


@pytest.fixture(scope="module")
def tls_server(
    pki: Pki, sample_snapshot: Path, keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    args = [str(sample_snapshot), "--keys", str(keys.path)]
    args += ["--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key)]
    with serve(
        args, tmp_path_factory.mktemp("tls"), scheme="https", client={"verify": _context(pki)}
    ) as s:
        yield s


@pytest.fixture(scope="module")
def mtls_server(
    pki: Pki, sample_snapshot: Path, keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    args = [str(sample_snapshot), "--keys", str(keys.path)]
    args += ["--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key)]
    args += ["--client-ca", str(pki.ca)]
    ctx = _context(pki, pki.client_cert, pki.client_key)
    with serve(args, tmp_path_factory.mktemp("mtls"), scheme="https", client={"verify": ctx}) as s:
        yield s


def test_tls_serves_https(tls_server: Server, pki: Pki, keys: Keys) -> None:
    with httpx.Client(verify=_context(pki)) as c:
        r = c.post(
            f"{tls_server.url}/v1/check", json={"document": "L898902C3"}, headers=keys.auth("gate")
        )
        assert r.status_code == 200
        assert r.json()["hit"] is True
        # without mutual TLS the key's name is the operator
        status = c.get(f"{tls_server.url}/v1/status", headers=keys.auth("gate")).json()
        assert status["caller"]["operator"] == "gate"
    with pytest.raises(httpx.ConnectError):  # a client that does not trust the test CA
        httpx.get(f"{tls_server.url}/healthz", verify=ssl.create_default_context())


def test_mtls_subject_is_the_operator(mtls_server: Server, pki: Pki, keys: Keys) -> None:
    ctx = _context(pki, pki.client_cert, pki.client_key)
    with httpx.Client(verify=ctx) as c:
        status = c.get(f"{mtls_server.url}/v1/status", headers=keys.auth("gate"))
        assert status.status_code == 200
        caller = status.json()["caller"]
        assert caller["operator"] == "CN=officer-17,O=Border Police,C=FR"
        assert caller["role"] == "frontline"
        r = c.post(
            f"{mtls_server.url}/v1/check", json={"vin": "KP042788"}, headers=keys.auth("gate")
        )
        assert r.status_code == 200
        assert r.json()["hit"] is True
        # the certificate does not replace the key: no key is still 401
        assert c.post(f"{mtls_server.url}/v1/check", json={"vin": "KP042788"}).status_code == 401


@pytest.mark.parametrize("who", ["nobody", "stranger"])
def test_mtls_refuses_clients_without_a_trusted_certificate(
    mtls_server: Server, pki: Pki, keys: Keys, who: str
) -> None:
    ctx = _context(pki) if who == "nobody" else _context(pki, pki.stranger_cert, pki.stranger_key)
    refused = (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)
    with pytest.raises(refused), httpx.Client(verify=ctx) as c:
        c.get(f"{mtls_server.url}/v1/status", headers=keys.auth("gate"))
