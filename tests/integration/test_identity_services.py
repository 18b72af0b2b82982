from __future__ import annotations

import pytest

from interagency.bootstrap import Container
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.identity import services
from interagency.identity.schemas import MemberStateIn

ARMENIA = MemberStateIn(
    iso_alpha2="AM", iso_alpha3="ARM", name_ru="Армения", name_en="Armenia", timezone="Asia/Yerevan"
)


def test_a_state_added_can_be_listed_and_fetched(container: Container) -> None:
    with container.uow() as uow:
        services.add_member_state(uow, ARMENIA)
        uow.commit()
    with container.uow() as uow:
        assert [s.iso_alpha3 for s in services.list_member_states(uow)] == ["ARM"]
        assert services.get_member_state(uow, "AM").name_ru == "Армения"


def test_a_second_state_with_the_same_code_is_a_conflict(container: Container) -> None:
    with container.uow() as uow:
        services.add_member_state(uow, ARMENIA)
        with pytest.raises(Conflict):
            services.add_member_state(uow, ARMENIA.model_copy(update={"iso_alpha2": "AX"}))


def test_an_unknown_time_zone_is_refused(container: Container) -> None:
    with container.uow() as uow, pytest.raises(InvalidInput) as refused:
        services.add_member_state(uow, ARMENIA.model_copy(update={"timezone": "Asia/Nowhere"}))
    assert refused.value.params == {"zone": "Asia/Nowhere"}


def test_an_unknown_code_is_not_found(container: Container) -> None:
    with container.uow() as uow, pytest.raises(NotFound):
        services.get_member_state(uow, "QQ")
