"""Index terms have no foreign keys (a check per row cost more than the post): the writer
keeps them whole, and this walk proves it after every way of writing them."""

from __future__ import annotations

from sqlalchemy import and_, exists, select

from interagency.exchange import services
from interagency.exchange.indexing import rebuild_thread_index
from interagency.exchange.models import IndexTerm, Message
from interagency.exchange.schemas import RecipientIn, ReplyIn
from interagency.identity.models import Agency
from interagency.markings import Tlp
from tests.support.exchange import SIDES, Address, Exchange


def test_every_index_term_belongs_to_a_message_of_its_thread_and_an_agency(
    exchange: Exchange,
) -> None:
    sent = exchange.send("a_ct_liaison_officer", [Address("B")], tlp=Tlp.GREEN)
    with exchange.container.uow() as uow:
        services.reply(
            uow, exchange.caller(uow, "b_ct_analyst"), exchange.context, sent.id,
            ReplyIn(body="Сведения о маршруте приложены.", tlp=Tlp.GREEN),
        )  # fmt: skip
        services.add_recipient(
            uow, exchange.caller(uow, "a_ct_liaison_officer"), exchange.context, sent.id,
            RecipientIn(agency=SIDES["C"]), None,
        )  # fmt: skip
        rebuild_thread_index(uow, exchange.container.vault, sent.id)
        uow.commit()
    with exchange.container.uow() as uow:
        written = uow.session.scalar(
            select(IndexTerm.id).where(IndexTerm.thread_id == sent.id).limit(1)
        )
        orphans = uow.session.scalars(
            select(IndexTerm.id).where(
                ~exists(
                    select(Message.id).where(
                        and_(
                            Message.id == IndexTerm.message_id,
                            Message.thread_id == IndexTerm.thread_id,
                        )
                    )
                )
                | ~exists(select(Agency.id).where(Agency.id == IndexTerm.agency_id))
            )
        ).all()
        agencies = set(
            uow.session.scalars(
                select(IndexTerm.agency_id).where(IndexTerm.thread_id == sent.id).distinct()
            )
        )
    assert written is not None
    assert orphans == []
    assert agencies == {exchange.agencies[side] for side in "ABC"}
