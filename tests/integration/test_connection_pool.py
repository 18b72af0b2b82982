"""A server process can give every request it admits a database connection at once."""

from __future__ import annotations

from contextlib import ExitStack

from sqlalchemy.pool import PoolProxiedConnection

from interagency.bootstrap import SPARE_CONNECTIONS, bootstrap
from tests.support.databases import settings_for


def _select_one(connection: PoolProxiedConnection) -> object:
    cursor = connection.cursor()
    cursor.execute("select 1")
    return cursor.fetchone()[0]


def test_every_request_in_flight_and_the_spares_get_a_connection_together(
    database_url: str,
) -> None:
    limit = 30  # twice what a pool of SQLAlchemy's default size would open
    container = bootstrap(settings_for(database_url, web_max_in_flight=limit))
    try:
        with ExitStack() as held:
            # Checked out of the pool without a transaction: SQLite takes its write lock
            # at BEGIN, and these connections only need to be open together.
            connections = []
            for _ in range(limit + SPARE_CONNECTIONS):
                connection = container.engine.raw_connection()
                held.callback(connection.close)
                connections.append(connection)
            assert [_select_one(c) for c in connections] == [1] * len(connections)
    finally:
        container.engine.dispose()
