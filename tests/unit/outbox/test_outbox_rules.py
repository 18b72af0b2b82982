"""Rules of the outbox that need no database: addresses, what enqueue refuses, back-off,
the message put on the wire, and the settings that turn e-mail on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from typing import cast

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session

from interagency.config import Settings
from interagency.errors import InvalidInput
from interagency.outbox.addresses import normalise_address
from interagency.outbox.dispatch import retry_delay
from interagency.outbox.mailer import OutgoingEmail, SmtpMailer, build_message
from interagency.outbox.services import MAX_BODY_CHARS, enqueue


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("ivanov@fsb.demo.invalid", "ivanov@fsb.demo.invalid"),
        ("  Ivanov.I+ct@FSB.Demo.Invalid\t", "Ivanov.I+ct@fsb.demo.invalid"),
        ("o'brien@garda.demo.invalid", "o'brien@garda.demo.invalid"),
    ],
)
def test_plain_addresses_are_kept_with_a_lower_case_domain(typed: str, kept: str) -> None:
    assert normalise_address(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ivanov",
        "ivanov@localhost",
        "@fsb.demo.invalid",
        "ivanov@@fsb.demo.invalid",
        "ivan ov@fsb.demo.invalid",
        "ivanov@fsb..invalid",
        ".ivanov@fsb.demo.invalid",
        "ivanov@-fsb.demo.invalid",
        "иванов@fsb.demo.invalid",
        "Ivanov <ivanov@fsb.demo.invalid>",
        "ivanov@fsb.demo.invalid\r\nBcc: all@fsb.demo.invalid",
        "i" * 65 + "@fsb.demo.invalid",
        "ivanov@" + "a" * 250 + ".invalid",
    ],
)
def test_anything_but_a_plain_address_is_refused_with_the_expected_form(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_address(typed)
    assert "name@domain.tld" in refused.value.message


class UntouchedSession:
    """Stands for a session that a refused enqueue must never reach."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"enqueue used the session ({name}) for a refused e-mail")


GOOD = {
    "recipient": "ivanov@fsb.demo.invalid",
    "subject": "Запрос № 42 (H2, TLP:AMBER)",
    "body": "Откройте запрос № 42 в системе.",
    "reference": "exchange:thread:42",
}


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("recipient", "ivanov", "name@domain.tld"),
        ("subject", "  ", "subject"),
        ("subject", "Запрос\r\nBcc: all@fsb.demo.invalid", "one line"),
        ("subject", "я" * 201, "200"),
        ("reference", "", "reference"),
        ("reference", "thread\n42", "one line"),
        ("body", " \n ", "body"),
        ("body", "я" * (MAX_BODY_CHARS + 1), str(MAX_BODY_CHARS)),
    ],
)
def test_enqueue_refuses_bad_input_before_writing_anything(
    field: str, value: str, says: str
) -> None:
    arguments = {**GOOD, field: value}
    with pytest.raises(InvalidInput) as refused:
        enqueue(cast(Session, UntouchedSession()), **arguments)
    assert says in refused.value.message.format(**refused.value.params)


def test_pauses_double_from_one_minute_up_to_an_hour() -> None:
    minutes = [retry_delay(attempt) / timedelta(minutes=1) for attempt in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert retry_delay(10_000) == timedelta(hours=1)
    with pytest.raises(ValueError, match="from 1"):
        retry_delay(0)


EMAIL = OutgoingEmail(
    id=7,
    recipient="ivanov@fsb.demo.invalid",
    subject="Новое оповещение: H1, TLP:RED",
    body="Оповещение № 7 ждёт вас в системе.\n",
    reference="exchange:thread:7",
    created_at=datetime(2026, 11, 28, 9, 30, tzinfo=UTC),
)


def test_the_message_is_utf8_plain_text_with_a_stable_message_id() -> None:
    moment = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    wire = build_message(EMAIL, "notify@council.demo.invalid", now=moment).as_bytes()
    again = build_message(EMAIL, "notify@council.demo.invalid", now=moment + timedelta(hours=1))

    parsed = message_from_bytes(wire, policy=policy.default)
    assert parsed["Subject"] == EMAIL.subject
    assert parsed["Message-ID"] == "<outbox.7.20261128093000000000@council.demo.invalid>"
    assert again["Message-ID"] == parsed["Message-ID"]
    assert parsed["Date"] == "Sat, 28 Nov 2026 10:00:00 +0000"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed.get_content() == EMAIL.body  # type: ignore[attr-defined]
    assert wire.split(b"\n\n", 1)[0].isascii()


def test_email_is_off_without_a_host_and_the_password_never_shows() -> None:
    off = Settings(_env_file=None)  # type: ignore[call-arg]
    on = Settings(  # type: ignore[call-arg]
        _env_file=None,
        smtp_host="relay.council.demo.invalid",
        smtp_username="platform",
        smtp_password=SecretStr("hunter2-secret"),
        mail_from="notify@council.demo.invalid",
    )
    mailer = SmtpMailer.from_settings(on)

    assert off.email_enabled is False
    assert on.email_enabled is True
    assert "hunter2-secret" not in repr(on)
    assert "hunter2-secret" not in repr(mailer)
    assert mailer.password.get_secret_value() == "hunter2-secret"


def test_production_refuses_an_smtp_login_without_starttls() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        smtp_host="relay.council.demo.invalid",
        smtp_username="platform",
        smtp_starttls=False,
    )
    assert any("INTERAGENCY_SMTP_STARTTLS" in problem for problem in settings.production_problems())


def test_a_mailer_refuses_a_malformed_sender() -> None:
    with pytest.raises(InvalidInput):
        SmtpMailer(host="relay.council.demo.invalid", port=587, sender="notify@council")
