"""Settings, read from the environment with the INTERAGENCY_ prefix (and a .env file if present)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The demo secret is public by design: `make demo` must work with no set-up. Production
# refuses it (see `production_problems`), so it can never sign a real session.
DEMO_SECRET_KEY = "demo-secret-key-not-for-production"  # noqa: S105

# Every media type the attachment store can recognise from content (filestore.sniff).
ATTACHMENT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.apache.parquet",
)


# The queues `jobs.queue` can run on: a SQLite file, Redis, or PostgreSQL.
QUEUE_SCHEMES = ("sqlite", "redis", "rediss", "unix", "postgresql", "postgresql+psycopg")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INTERAGENCY_", env_file=".env", extra="ignore", frozen=True
    )

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite:///var/interagency.db"
    secret_key: str = Field(default=DEMO_SECRET_KEY, repr=False)
    base_url: str = "http://127.0.0.1:8000"
    # Addresses of the reverse proxies allowed to set X-Forwarded-* headers. TLS may end
    # there; without a configured proxy the server must terminate TLS itself.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    # Key material is kept outside the database, in files only the service user can read.
    key_dir: Path = Path("var/keys")
    # Where the audit trail's signed chain heads are also written, outside the database.
    # Later, other agencies' nodes receive the same heads and act as witnesses too.
    audit_witness_file: Path = Path("var/audit-witness.jsonl")
    # The chain head is signed after this many entries (and every minute, and at shutdown).
    audit_sign_every: int = Field(default=100, ge=1)
    # A browser session ends after this long without a request, and in any case after the
    # absolute limit, so a forgotten session on a shared desk does not stay open.
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    # Border crossings that hit nothing, or whose hits were dismissed, are deleted this
    # many hours after their screening (data minimisation: never more than 30 days).
    movements_keep_hours: int = Field(default=24, ge=1, le=720)
    # A day's passenger manifest may be larger than any attachment: a million rows of CSV
    # are some 150 MB (Parquet a fraction of it).
    manifest_max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024 * 1024)
    # Requests per minute allowed on the JSON API, per token and per client address.
    api_rate_per_token: int = Field(default=300, ge=1)
    api_rate_per_address: int = Field(default=600, ge=1)
    # Objects of one kind a reader may read through the API in a UTC day; more needs a
    # subscription approved with four eyes (the export gate, `egress`).
    bulk_read_daily_limit: int = Field(default=2000, ge=1)
    # Server processes (`interagency serve --workers`). Each keeps its own rate-limit
    # buckets with an equal share of the limits above, so together they never allow more.
    web_workers: int = Field(default=1, ge=1, le=64)
    # Requests in flight at once in a server process; more are answered 503 at once (see
    # web/admission.py). About a second of work for one process at the measured costs.
    web_max_in_flight: int = Field(default=32, ge=1)
    # The master key of encryption at rest, which wraps every agency's data keys; by
    # default `vault-master.key` in key_dir. Back it up apart from the database: without
    # it nothing sealed opens, and with the database alone nothing sealed can be read.
    master_key_file: Path | None = None
    # Attachments, sealed per agency, outside the database (see docs/operations.md).
    attachment_dir: Path = Path("var/attachments")
    attachment_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    # Media types accepted, as sniffed from the content (comma-separated in the environment).
    attachment_types: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(ATTACHMENT_TYPES)
    )
    # A command that gets a file's plaintext on standard input and exits 0 (clean) or 1
    # (infected), e.g. "clamdscan --no-summary -"; unset: files pass without a scan.
    attachment_scan_command: str | None = None
    default_timezone: str = "Europe/Moscow"
    default_language: str = "ru"
    demo_mode: bool = False
    # E-mail notifications leave through this SMTP relay; an empty host turns e-mail off.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_username: str = ""
    smtp_password: SecretStr = Field(default=SecretStr(""), repr=False)
    mail_from: str = "interagency@example.invalid"
    # A worker sends due e-mail every minute; a failed one is retried with growing pauses
    # and marked failed after the last attempt.
    outbox_max_attempts: int = Field(default=8, ge=1)
    # Background work (`interagency worker`): the queue, on SQLite beside the database by
    # default; in production redis://host:6379/0 (with append-only persistence) or
    # postgresql://user@host/db. See docs/operations.md.
    jobs_queue_url: str = "sqlite:///var/queue.db"
    # A failed job is tried again this many times, after 10 s, 20 s, 40 s... then it is
    # dead and waits for an operator.
    jobs_retries: int = Field(default=5, ge=0, le=20)
    jobs_retry_delay_seconds: float = Field(default=10, ge=0)
    # A running job's worker renews its lease every third of this; a job whose lease ran
    # out (its worker died) is handed to another worker.
    jobs_lease_seconds: int = Field(default=60, ge=3)
    # A job handed to the queue but taken by no worker in this long is handed again.
    jobs_requeue_minutes: int = Field(default=15, ge=1)
    # A thread of this many messages or more is exported by a background job (its PDF
    # takes seconds to render): the request answers at once, and the file waits for its
    # reader on a page of its own. Shorter threads are exported within the request.
    export_in_background_from_messages: int = Field(default=100, ge=1)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("attachment_types", mode="before")
    @classmethod
    def _split_types(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("attachment_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(ATTACHMENT_TYPES))
        if unknown:
            raise ValueError(
                f"unknown attachment types {', '.join(unknown)}; choose from "
                f"{', '.join(ATTACHMENT_TYPES)}"
            )
        return value

    @field_validator("jobs_queue_url")
    @classmethod
    def _known_queue(cls, value: str) -> str:
        if value.split(":", 1)[0] not in QUEUE_SCHEMES:
            raise ValueError(
                f"unknown queue {value!r}; use sqlite:///var/queue.db, redis://host:6379/0 "
                "or postgresql://user@host/db"
            )
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Almaty")
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in ("ru", "en"):
            raise ValueError("default_language must be 'ru' or 'en'")
        return value

    @model_validator(mode="after")
    def _limits_shared_by_workers(self) -> Settings:
        # Each process keeps its share of a rate limit: every share must allow a request.
        lowest = min(self.api_rate_per_token, self.api_rate_per_address)
        if self.web_workers > lowest:
            raise ValueError(
                f"web_workers ({self.web_workers}) exceeds a rate limit ({lowest} a minute): "
                "each server process keeps an equal share of api_rate_per_token and "
                "api_rate_per_address, so raise those limits or run fewer processes"
            )
        return self

    @property
    def master_key_path(self) -> Path:
        return self.master_key_file or self.key_dir / "vault-master.key"

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def serves_https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host.strip())

    def production_problems(self) -> list[str]:
        """What stops this configuration from running in production; empty when none."""
        problems: list[str] = []
        if self.secret_key == DEMO_SECRET_KEY or len(self.secret_key) < 32:
            problems.append(
                "INTERAGENCY_SECRET_KEY is the demo secret or shorter than 32 characters; "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if self.uses_sqlite:
            problems.append(
                "INTERAGENCY_DATABASE_URL points to SQLite; production runs on PostgreSQL "
                "(postgresql+psycopg://app_user@host/interagency)"
            )
        if self.jobs_queue_url.startswith("sqlite"):
            problems.append(
                "INTERAGENCY_JOBS_QUEUE_URL points to a SQLite file; production runs the "
                "queue on Redis with append-only persistence (redis://host:6379/0) or on "
                "PostgreSQL (postgresql://user@host/db), see docs/operations.md"
            )
        if not self.serves_https:
            problems.append("INTERAGENCY_BASE_URL must start with https://")
        elif not self.trusted_proxies and not (self.tls_certfile and self.tls_keyfile):
            problems.append(
                "HTTPS needs either INTERAGENCY_TLS_CERTFILE and INTERAGENCY_TLS_KEYFILE, "
                "or INTERAGENCY_TRUSTED_PROXIES naming the reverse proxy that ends TLS"
            )
        if self.demo_mode:
            problems.append("INTERAGENCY_DEMO_MODE must be off in production")
        if self.email_enabled and self.smtp_username and not self.smtp_starttls:
            problems.append(
                "INTERAGENCY_SMTP_STARTTLS must be on when INTERAGENCY_SMTP_USERNAME is set, "
                "so that the SMTP password never crosses the network in clear"
            )
        return problems
