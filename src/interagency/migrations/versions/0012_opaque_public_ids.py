"""Opaque public identifiers: threads, messages, attachments, bulk uploads, users and API
tokens get the random public id the other named rows got in 0011, and the links and
references already stored in notifications and unsent e-mails are rewritten to public
ids, so no stored link names an integer key any more.

Revision ID: 0012
Revises: 0011
Created: 2026-12-06
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from interagency.db import PUBLIC_ID_LENGTH, new_public_id

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = (
    "exchange_threads",
    "exchange_messages",
    "exchange_attachments",
    "record_uploads",
    "users",
    "api_tokens",
)

# Paths that name a row by its key, and the table the key belongs to.
LINKS = {
    "/exchange/threads/": "exchange_threads",
    "/break-glass/": "break_glass_accesses",
    "/records/uploads/": "record_uploads",
    "/records/": "records",
    "/council/meetings/": "council_meetings",
    "/council/documents/": "council_documents",
    "/council/programmes/": "council_programmes",
    "/council/reports/": "council_reports",
}
# Notification parameters that hold a key: (kind prefix, parameter) -> table.
PARAMS = {
    ("records:", "record"): "records",
    ("accounts:", "id"): "approval_requests",
}
_END = r"(?=$|[/?#\s.,;)\]\"'])"
_KEY_LINK = re.compile(r"(/[a-z-]+(?:/[a-z-]+)*/)(\d+)" + _END)
_PUBLIC_LINK = re.compile(r"(/[a-z-]+(?:/[a-z-]+)*/)([a-z2-7]{26})" + _END)

Convert = Callable[[str, str], str | None]


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("public_id", sa.String(PUBLIC_ID_LENGTH), nullable=True))
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("public_id", sa.String))
        for (key,) in op.get_bind().execute(sa.select(table.c.id)).all():
            op.get_bind().execute(
                sa.update(table).where(table.c.id == key).values(public_id=new_public_id())
            )
        with op.batch_alter_table(name) as batch:
            batch.alter_column(
                "public_id", existing_type=sa.String(PUBLIC_ID_LENGTH), nullable=False
            )
            batch.create_unique_constraint(op.f(f"uq_{name}_public_id"), ["public_id"])
    _rewrite_stored_references(_KEY_LINK, _public_of)


def downgrade() -> None:
    _rewrite_stored_references(_PUBLIC_LINK, _key_of)
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_constraint(op.f(f"uq_{name}_public_id"), type_="unique")
            batch.drop_column("public_id")


def _rows(table: str) -> sa.TableClause:
    return sa.table(table, sa.column("id", sa.Integer), sa.column("public_id", sa.String))


def _public_of(table: str, value: str) -> str | None:
    if not value.isdigit():
        return None
    rows = _rows(table)
    found = op.get_bind().scalar(sa.select(rows.c.public_id).where(rows.c.id == int(value)))
    return None if found is None else str(found)


def _key_of(table: str, value: str) -> str | None:
    rows = _rows(table)
    found = op.get_bind().scalar(sa.select(rows.c.id).where(rows.c.public_id == value))
    return None if found is None else str(found)


def _rewrite_link(text: str, pattern: re.Pattern[str], convert: Convert) -> str:
    def replace(match: re.Match[str]) -> str:
        prefix, value = match.group(1), match.group(2)
        table = LINKS.get(prefix)
        converted = convert(table, value) if table else None
        return prefix + converted if converted else match.group(0)

    return pattern.sub(replace, text)


def _rewrite_stored_references(pattern: re.Pattern[str], convert: Convert) -> None:
    bind = op.get_bind()
    notices = sa.table(
        "notifications",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("params", sa.JSON),
        sa.column("link", sa.String),
    )
    for key, kind, params, link in bind.execute(
        sa.select(notices.c.id, notices.c.kind, notices.c.params, notices.c.link)
    ).all():
        values = dict(params if isinstance(params, dict) else json.loads(params or "{}"))
        for (prefix, name), table in PARAMS.items():
            if kind.startswith(prefix) and name in values:
                converted = convert(table, str(values[name]))
                if converted is not None:
                    values[name] = converted
        new_link = _rewrite_link(link, pattern, convert) if link else link
        bind.execute(
            sa.update(notices).where(notices.c.id == key).values(params=values, link=new_link)
        )
    mails = sa.table(
        "outbox_emails",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("status", sa.String),
    )
    for key, body in bind.execute(
        sa.select(mails.c.id, mails.c.body).where(mails.c.status != "sent")
    ).all():
        bind.execute(
            sa.update(mails)
            .where(mails.c.id == key)
            .values(body=_rewrite_link(body, pattern, convert))
        )
