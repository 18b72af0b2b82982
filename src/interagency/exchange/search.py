"""Full-text search over the subjects and bodies a user may read, without plaintext in the index.

The query's words become blind-index terms under the searcher's agency key; the policy's
visibility clause and the filters are applied in SQL before ranking, counting and paging,
so a hidden thread that matches changes no total, no page and no snippet. Snippets are
cut from the decrypted text of the threads returned, after the policy let them through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Row, case, func, select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.exchange import listing, services
from interagency.exchange.models import IndexTerm, Message, Thread
from interagency.exchange.policy import Action
from interagency.exchange.queries import (
    MAX_PER_PAGE,
    InboxFilter,
    _agency_names,
    _inspecting,
    _summary,
    listed_threads,
    one_per_row,
    readable_in_list,
    visible_among,
)
from interagency.exchange.schemas import Page, ThreadSummary
from interagency.exchange.sealing import open_body
from interagency.i18n import lazy
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller

SNIPPET_RADIUS = 80
MAX_QUERY = 200
# Matches are ranked among the newest this many (or up to the page asked for, if further):
# past them the total says "more than", and a narrower query or a filter finds older ones.
# Ten pages of 25; on 1,000,000 threads a common word's search costs 15 ms at p95 in
# process with 250, and 90 ms with 1,000 (docs/performance.md).
SEARCH_WINDOW = 250
RAREST_PROBE = 5000


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
    exact = True
    if terms:
        offset = (f.page - 1) * f.per_page
        found = _newest_matches(
            uow, principal, f, now, terms, max(SEARCH_WINDOW, offset + f.per_page)
        )
        total, exact = len(found.ids), found.exact
        ranked = _ranked(uow, principal.agency_id, terms, found.ids, offset, f.per_page)
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
    return Page[SearchHit](
        items=items, total=total, total_exact=exact, page=f.page, per_page=f.per_page
    )


@dataclass(frozen=True)
class _Matches:
    ids: list[int]
    exact: bool  # false: there are more matches, older than these


def _newest_matches(
    uow: UnitOfWork,
    principal: Principal,
    f: InboxFilter,
    now: datetime,
    terms: Sequence[str],
    window: int,
) -> _Matches:
    """The newest threads, at most `window`, that hold every term and that the principal
    may read through the filters.

    One walk down the index of the rarest term, newest thread first; each thread it meets
    is checked for the other terms and for the policy, and the walk stops once the window
    is full. A common word thus costs a window's worth of checks, not all its matches,
    and a rare one no more than its matches."""
    agency_id = principal.agency_id
    rarest, *others = _rarest_first(uow, agency_id, terms)
    walked = (
        select(IndexTerm.thread_id)
        .where(IndexTerm.agency_id == agency_id, IndexTerm.term == rarest)
        .distinct()
        .order_by(IndexTerm.thread_id.desc())
        .subquery()
    )
    also = [
        one_per_row(
            select(IndexTerm.thread_id).where(
                IndexTerm.agency_id == agency_id,
                IndexTerm.term == term,
                IndexTerm.thread_id == walked.c.thread_id,
            )
        )
        for term in others
    ]
    readable = visible_among(uow, principal, f, now, Action.READ_CONTENT, walked.c.thread_id)
    rows = uow.rows(
        select(walked.c.thread_id)
        .where(*also, readable)
        .order_by(walked.c.thread_id.desc())
        .limit(window + 1),
        listing.reader_parameters(principal, now),
    )
    ids = [row.thread_id for row in rows]
    return _Matches(ids[:window], len(ids) <= window)


def _rarest_first(uow: UnitOfWork, agency_id: int, terms: Sequence[str]) -> list[str]:
    """The terms, the one with the fewest index rows first (each counted no further than
    `RAREST_PROBE`, which is enough to tell a rare word from a common one)."""
    if len(terms) == 1:
        return list(terms)
    probes = [
        select(func.count())
        .select_from(
            select(IndexTerm.thread_id)
            .where(IndexTerm.agency_id == agency_id, IndexTerm.term == term)
            .limit(RAREST_PROBE)
            .subquery()
        )
        .scalar_subquery()
        for term in terms
    ]
    counts = uow.rows(select(*probes))[0]
    return [term for _, term in sorted(zip(counts, terms, strict=True))]


def _ranked(
    uow: UnitOfWork,
    agency_id: int,
    terms: Sequence[str],
    thread_ids: Sequence[int],
    offset: int,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page of the matches, the best first: a word in the subject weighs three times
    a word in a body; then the newest."""
    if not thread_ids:
        return []
    score = func.sum(case((IndexTerm.in_subject, 3), else_=1)).label("score")
    scores = (
        select(IndexTerm.thread_id, score)
        .where(
            IndexTerm.agency_id == agency_id,
            IndexTerm.term.in_(terms),
            IndexTerm.thread_id.in_(thread_ids),
        )
        .group_by(IndexTerm.thread_id)
        .subquery()
    )
    return uow.rows(
        select(Thread.id, scores.c.score)
        .join(scores, scores.c.thread_id == Thread.id)
        .order_by(scores.c.score.desc(), Thread.updated_at.desc(), Thread.id.desc())
        .offset(offset)
        .limit(limit)
    )


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
