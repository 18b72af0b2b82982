from __future__ import annotations

from sqlalchemy import func, select

from interagency.bootstrap import Container
from interagency.demo import load_demo, read_member_states
from interagency.identity.models import MemberState


def test_the_demo_loads_once_and_keeps_what_users_changed(container: Container) -> None:
    first = load_demo(container)
    expected = len(read_member_states())
    assert expected >= 8
    assert first.added["member states"] == expected

    with container.uow() as uow:
        kazakhstan = uow.session.scalar(select(MemberState).where(MemberState.iso_alpha2 == "KZ"))
        assert kazakhstan is not None
        kazakhstan.name_en = "Kazakhstan (edited in the demo)"
        uow.session.add(
            MemberState(
                iso_alpha2="MN",
                iso_alpha3="MNG",
                name_ru="Монголия",
                name_en="Mongolia",
                timezone="Asia/Ulaanbaatar",
            )
        )
        uow.commit()

    second = load_demo(container)
    assert second.added["member states"] == 0
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(MemberState)) == expected + 1
        names = set(uow.session.scalars(select(MemberState.name_en)))
        assert "Kazakhstan (edited in the demo)" in names
        assert "Mongolia" in names
