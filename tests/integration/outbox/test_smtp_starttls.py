"""The SMTP mailer with STARTTLS and a login, against a relay that demands both."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from interagency.outbox.mailer import MailerError, OutgoingEmail
from tests.integration.outbox.conftest import SmtpSink

PASSWORD = "relay-password-never-shown"
EMAIL = OutgoingEmail(
    id=1,
    recipient="ivanov@fsb.demo.invalid",
    subject="Новый запрос (H0, TLP:GREEN)",
    body="Запрос № 1 ждёт вас в системе.",
    reference="exchange:thread:1",
    created_at=datetime(2026, 11, 28, tzinfo=UTC),
)


def self_signed(folder: Path) -> tuple[Path, Path, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    cert_file, key_file = folder / "relay.pem", folder / "relay.key"
    cert_file.write_bytes(pem)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file, pem


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    accepted = (
        isinstance(data, LoginPassword)
        and data.login == b"platform"
        and data.password == PASSWORD.encode()
    )
    return AuthResult(success=accepted, handled=False)


@pytest.fixture
def tls_relay(tmp_path: Path) -> Iterator[tuple[SmtpSink, ssl.SSLContext]]:
    cert_file, key_file, pem = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    sink = SmtpSink(
        tls_context=server_context,
        require_starttls=True,
        authenticator=check_login,
        auth_require_tls=True,
    )
    sink.start()
    try:
        yield sink, ssl.create_default_context(cadata=pem.decode())
    finally:
        sink.stop()


def test_starttls_and_login_deliver_the_email(
    tls_relay: tuple[SmtpSink, ssl.SSLContext],
) -> None:
    sink, client_context = tls_relay
    mailer = sink.mailer(
        starttls=True,
        tls_context=client_context,
        username="platform",
        password=SecretStr(PASSWORD),
    )

    mailer.send(EMAIL)

    assert [r.rcpt_tos for r in sink.received] == [("ivanov@fsb.demo.invalid",)]
    assert sink.received[0].message["Subject"] == EMAIL.subject


def test_a_refused_login_is_reported_without_the_password(
    tls_relay: tuple[SmtpSink, ssl.SSLContext],
) -> None:
    sink, client_context = tls_relay
    mailer = sink.mailer(
        starttls=True,
        tls_context=client_context,
        username="platform",
        password=SecretStr("wrong-" + PASSWORD),
    )

    with pytest.raises(MailerError) as refused:
        mailer.send(EMAIL)

    assert "refused the login 'platform'" in str(refused.value)
    assert PASSWORD not in str(refused.value)
    assert refused.value.permanent is False
    assert sink.received == []


def test_a_relay_that_demands_tls_refuses_a_mailer_without_it(
    tls_relay: tuple[SmtpSink, ssl.SSLContext],
) -> None:
    sink, _client_context = tls_relay

    with pytest.raises(MailerError):
        sink.mailer(starttls=False).send(EMAIL)

    assert sink.received == []


def test_an_untrusted_certificate_stops_the_mailer_before_the_login(
    tls_relay: tuple[SmtpSink, ssl.SSLContext],
) -> None:
    sink, _client_context = tls_relay
    # The system's CAs do not know the relay's self-signed certificate.
    mailer = sink.mailer(starttls=True, username="platform", password=SecretStr(PASSWORD))

    with pytest.raises(MailerError) as refused:
        mailer.send(EMAIL)

    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
    assert sink.received == []
