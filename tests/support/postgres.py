"""A PostgreSQL server for the tests: the one named by INTERAGENCY_TEST_POSTGRES_URL, or a
throwaway cluster started in a temporary folder and removed afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _postgres_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found: run `make test` (it installs the Debian "
            "package postgresql) or set INTERAGENCY_TEST_POSTGRES_URL"
        )
    return candidates[0].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_cluster_owner(command: list[str]) -> list[str]:
    # initdb and pg_ctl refuse to run as root; the Debian package provides a postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Starts a private cluster with trust authentication on a free loopback port."""
    bin_dir = _postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="interagency-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = _free_port()
    pg_ctl = str(bin_dir / "pg_ctl")
    try:
        subprocess.run(
            _as_cluster_owner(
                [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_cluster_owner(
                [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_cluster_owner([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    configured = os.environ.get("INTERAGENCY_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    with throwaway_cluster() as url:
        yield url
