"""Full-text search over the subjects and bodies a user may read, without plaintext in the index.

The query's words become blind-index terms under the searcher's agency key; the policy's
visibility clause and the filters are applied in SQL before ranking, counting and paging,
so a hidden thread that matches changes no total, no page and no snippet. Snippets are
cut from the decrypted text of the threads returned, after the policy let them through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain

from pydantic import BaseModel
from sqlalchemy import and_, case, func, select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.exchange import services
from interagency.exchange.models import IndexTerm, Message, Thread
from interagency.exchange.policy import Action
from interagency.exchange.queries import (
    MAX_PER_PAGE,
    InboxFilter,
    _agency_names,
    _inspecting,
    _summary,
    listed_threads,
    readable_in_list,
    visible_among,
)
from interagency.exchange.schemas import Page, ThreadSummary
from interagency.exchange.sealing import open_body
from interagency.i18n import lazy
from interagency.identity.principals import Caller

SNIPPET_RADIUS = 80
MAX_QUERY = 200


class SearchHit(BaseModel):
    thread: ThreadSummary
    score: int
    snippet: str


def search(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, text: str, f: InboxFilter
) -> Page[SearchHit]:
    principal = caller.principal
    assert principal is not None
    text = text.strip()
    if not text or len(text) > MAX_QUERY:
        raise InvalidInput(lazy("Search for 1 to {most} characters."), most=MAX_QUERY)
    if f.page < 1 or not 1 <= f.per_page <= MAX_PER_PAGE:
        raise InvalidInput(
            lazy("Pages start at 1 and hold 1 to {most} threads."), most=MAX_PER_PAGE
        )
    terms = sorted(set(ctx.vault.query_terms(uow.session, principal.agency_id, text)))
    now = utcnow()
    returned: list[int] = []
    items: list[SearchHit] = []
    total = 0
    if terms:
        weight = func.sum(case((IndexTerm.in_subject, 3), else_=1)).label("score")
        matched = (
            select(IndexTerm.thread_id.label("thread_id"), weight)
            .where(IndexTerm.agency_id == principal.agency_id, IndexTerm.term.in_(terms))
            .group_by(IndexTerm.thread_id)
        )
        if len(terms) > 1:
            # Every word of the query must occur in the thread: one flag per word, which
            # aggregates by hashing where a distinct count would sort every group.
            matched = matched.having(
                and_(*(func.max(case((IndexTerm.term == t, 1), else_=0)) == 1 for t in terms))
            )
        hits = matched.subquery()
        # Ranked, counted and paged on ids alone; the page's threads are read afterwards,
        # so the window does not carry every matching thread's whole row.
        visible = (
            select(Thread.id, hits.c.score, func.count().over().label("total"))
            .join(hits, hits.c.thread_id == Thread.id)
            .where(visible_among(uow, principal, f, now, Action.READ_CONTENT, hits.c.thread_id))
        )
        ranked = uow.session.execute(
            visible.order_by(hits.c.score.desc(), Thread.updated_at.desc(), Thread.id.desc())
            .offset((f.page - 1) * f.per_page)
            .limit(f.per_page)
        ).all()
        if ranked:
            total = int(ranked[0].total)
        elif f.page > 1:  # past the last page: the window saw no row to count
            total = uow.session.scalar(select(func.count()).select_from(visible.subquery())) or 0
        threads = listed_threads(uow, [row.id for row in ranked])
        codes = _agency_names(uow)
        mine = _inspecting(uow, principal, now)
        messages = _messages_of(uow, [row.id for row in ranked])
        for row in ranked:
            thread = threads[row.id]
            readable = readable_in_list(principal, thread, mine)
            summary = _summary(uow, ctx, thread, readable, codes, now)
            # Only threads the searcher may read were ranked: the summary holds the subject.
            assert summary.subject is not None
            body_texts = (open_body(uow, ctx.vault, m) for m in messages.get(thread.id, []))
            items.append(
                SearchHit(
                    thread=summary,
                    score=int(row.score),
                    snippet=_snippet(summary.subject, body_texts, text),
                )
            )
            returned.append(thread.id)
    audit.record(
        uow,
        caller.event(
            "exchange:search",
            detail={"returned": returned, "total": total},
            personal={"query": text, "filters": f.described()},
        ),
    )
    return Page[SearchHit](items=items, total=total, page=f.page, per_page=f.per_page)


def _messages_of(uow: UnitOfWork, thread_ids: list[int]) -> dict[int, list[Message]]:
    """The messages of the page's threads, in order, read with one query."""
    found: dict[int, list[Message]] = {}
    if thread_ids:
        for message in uow.session.scalars(
            select(Message).where(Message.thread_id.in_(thread_ids)).order_by(Message.id)
        ):
            found.setdefault(message.thread_id, []).append(message)
    return found


def _snippet(subject: str, bodies: Iterable[str], query: str) -> str:
    """The first passage of the subject or the bodies around a word that starts like a
    query word; the bodies are taken, and decrypted, only until one has it."""
    stems = [
        w[: max(3, len(w) - 2)].casefold().replace("ё", "е")
        for w in re.findall(r"\w+", query)
        if len(w) > 1
    ]
    for body in chain([subject], bodies):
        folded = body.casefold().replace("ё", "е")
        for stem in stems:
            at = folded.find(stem)
            if at >= 0:
                start, end = max(0, at - SNIPPET_RADIUS), min(len(body), at + SNIPPET_RADIUS)
                return ("…" if start else "") + body[start:end] + ("…" if end < len(body) else "")
    return subject[: 2 * SNIPPET_RADIUS]
