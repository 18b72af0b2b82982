"""What someone holding only the database holds: the file's bytes, or every row's values."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, inspect, select


def dump(url: str, engine: Engine) -> bytes:
    """SQLite: the database file and its WAL, free pages included. PostgreSQL: every value
    of every row of every table, as a plain dump would hold them."""
    if engine.dialect.name == "sqlite":
        engine.dispose()  # closes connections; the WAL file is read as well in any case
        database = Path(url.removeprefix("sqlite:///"))
        files = [database, *database.parent.glob(database.name + "-*")]
        return b"".join(path.read_bytes() for path in files if path.exists())
    parts: list[bytes] = []
    with engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            table = Table(name, MetaData(), autoload_with=connection)
            for row in connection.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value))
                    else:
                        parts.append(str(value).encode("utf-8"))
    return b"\n".join(parts)
