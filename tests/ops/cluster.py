"""Throwaway PostgreSQL servers for fault tests: stop, crash and restart them at will.

A ``Cluster`` is a data folder and a port: ``Cluster.initdb`` once (the fixtures keep it as a
template), then each test copies the template (``Cluster.copy_of``, a fraction of a second)
and starts the copy on a free port. ``standby_of`` makes a streaming standby of any server
that accepts replication connections (``replication_refusal`` says why one does not). Every
wait is bounded: a server that does not start or stop in time fails the test with the tail of
its log, never hangs it.

PostgreSQL refuses to run as root, so as root every server command runs as the ``postgres``
user (``runuser``), in folders that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tests.conftest import free_port

HOST = "127.0.0.1"
SUPERUSER = "postgres"
WAIT_SECONDS = 30
StopMode = Literal["smart", "fast", "immediate"]

# Small and unsafe on purpose: nothing here must survive a machine crash, only a server one.
# So no fsync, but commits stay synchronous: a commit is then in the operating system's hands
# (written, not flushed), which a crash of the server (``stop("immediate")``) cannot undo;
# with synchronous_commit off it could lose the last commits, which no real server does.
SETTINGS = f"""
listen_addresses = '{HOST}'
unix_socket_directories = ''
fsync = off
full_page_writes = off
shared_buffers = 16MB
wal_level = replica
hot_standby = on
logging_collector = off
"""
# A standby takes these from its primary (it refuses to run with less); a new cluster's own.
SIZES = {"max_connections": "40", "max_wal_senders": "5", "max_worker_processes": "8",
         "max_prepared_transactions": "0", "max_locks_per_transaction": "64"}
TRUST = f"""
local all all trust
host all all {HOST}/32 trust
host replication all {HOST}/32 trust
"""


class ClusterError(RuntimeError):
    """A server command failed or did not finish in time."""


def pg_bin_dir() -> Path | None:
    """The folder of ``initdb``, ``pg_ctl`` and ``pg_basebackup``: ``PMO_PG_BIN``, else the
    newest ``/usr/lib/postgresql/<version>/bin``, else the one on ``PATH``; None if none."""
    wanted = os.environ.get("PMO_PG_BIN")
    candidates = [Path(wanted)] if wanted else [
        *(Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                  key=lambda p: int(Path(p).parent.name)
                                  if Path(p).parent.name.isdigit() else 0, reverse=True)),
        *([Path(found).parent] if (found := shutil.which("pg_ctl")) else []),
    ]
    for folder in candidates:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return folder
    return None


def missing_reason() -> str | None:
    """Why throwaway clusters cannot run here, or None when they can."""
    if pg_bin_dir() is None:
        return ("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) not found: install "
                "postgresql or set PMO_PG_BIN to their folder")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _user_exists(SUPERUSER)):
        return "running as root needs the postgres user and runuser to start PostgreSQL"
    return None


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", SUPERUSER, "--", *argv] if os.geteuid() == 0 else argv


def _run(argv: list[str], *, timeout: float = WAIT_SECONDS, log: Path | None = None,
         server_user: bool = True) -> str:
    """Run a command to its end within ``timeout``; its output, or ClusterError."""
    command = _as_server_user(argv) if server_user else argv
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,  # noqa: S603 - our own argv
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise ClusterError(f"{Path(argv[0]).name} took over {timeout:g}s: {' '.join(argv)}"
                           + _tail(log)) from None
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(argv)} failed ({done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()}" + _tail(log))
    return done.stdout


def _tail(log: Path | None, lines: int = 20) -> str:
    if log is None or not log.exists():
        return ""
    return "\n--- server log ---\n" + "\n".join(log.read_text(errors="replace")
                                               .splitlines()[-lines:])


def server_folder(folder: Path) -> Path:
    """``folder`` made (if needed) and handed to the server user.

    Not under pytest's temporary root when we are root: pytest makes that private again at
    the start of every session (any concurrent run), which would lock the server user out of
    its own files mid-test. ``/tmp`` itself stays open to it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam(SUPERUSER)
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def scratch_folder(prefix: str, parent: Path | None = None) -> Path:
    """A new, empty folder the server user owns (in ``parent``, else the system's temporary
    folder); the caller deletes it."""
    return server_folder(Path(tempfile.mkdtemp(prefix=prefix, dir=parent)))


@dataclass
class Cluster:
    """One PostgreSQL server of our own: its data folder, log and port.

    ``start``, ``stop(mode)`` and ``restart(mode)`` wait (bounded) until the server is up or
    down; ``url`` is what the application connects to.
    """

    data: Path
    port: int
    bin_dir: Path
    host: str = HOST

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.data.name}.log"

    @property
    def url(self) -> str:
        """``postgresql+asyncpg://postgres@127.0.0.1:PORT/postgres``."""
        return f"postgresql+asyncpg://{SUPERUSER}@{self.host}:{self.port}/postgres"

    @classmethod
    def initdb(cls, folder: Path, *, bin_dir: Path) -> Cluster:
        """A new, stopped cluster in ``folder/data`` (trust authentication, fsync off)."""
        data = server_folder(folder) / "data"
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
              "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8"], timeout=60)
        _configure(data, SIZES)
        return cls(data, 0, bin_dir)

    @classmethod
    def copy_of(cls, template: Cluster, folder: Path) -> Cluster:
        """A stopped copy of the stopped ``template``, in ``folder/data``."""
        data = server_folder(folder) / "data"
        _run(["cp", "-a", str(template.data), str(data)], timeout=60)
        return cls(data, 0, template.bin_dir)

    @classmethod
    def standby_of(cls, host: str, port: int, folder: Path, *, bin_dir: Path) -> Cluster:
        """A streaming standby of the server at ``host:port`` (``pg_basebackup -X stream -R``),
        started on a free port; the primary must allow replication connections."""
        data = server_folder(folder) / "data"
        names = ", ".join(f"'{name}'" for name in SIZES)
        sizes = dict(line.split("|", 1) for line in _run(
            [str(bin_dir / "psql"), "-h", host, "-p", str(port), "-U", SUPERUSER, "-d",
             "postgres", "-Atc", f"SELECT name, setting FROM pg_settings WHERE name IN ({names})"],
            server_user=False).splitlines())
        _run([str(bin_dir / "pg_basebackup"), "-h", host, "-p", str(port), "-U", SUPERUSER,
              "-D", str(data), "-X", "stream", "-R", "--checkpoint=fast", "--no-sync"],
             timeout=120)
        # A packaged server keeps its configuration outside the data folder (Debian's /etc):
        # the copy gets ours, which also wins over a copied one (the last setting counts), with
        # the primary's own limits, which a standby refuses to run below.
        _configure(data, sizes)
        for stale in ("postmaster.pid", "postmaster.opts"):
            (data / stale).unlink(missing_ok=True)
        standby = cls(data, 0, bin_dir)
        try:
            standby.start()
        except ClusterError:
            standby.destroy()
            raise
        return standby

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start(self, *, timeout: float = WAIT_SECONDS) -> None:
        """Start the server and wait until it accepts connections (a free port the first
        time, the same port after)."""
        if not self.port:
            self.port = free_port()
        _run([str(self.bin_dir / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log),
              "-o", f"-p {self.port}", "-w", "-t", str(int(timeout))],
             timeout=timeout + 5, log=self.log)

    def stop(self, mode: StopMode = "fast", *, timeout: float = WAIT_SECONDS) -> None:
        """Stop the server: ``fast`` ends sessions and shuts down cleanly; ``immediate``
        kills it as a crash would (the next start recovers from the WAL)."""
        _run([str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data), "-m", mode, "-w",
              "-t", str(int(timeout))], timeout=timeout + 5, log=self.log)

    def restart(self, mode: StopMode = "fast", *, timeout: float = WAIT_SECONDS) -> None:
        """``pg_ctl restart -m mode``: stop, then start on the same port, waiting for both."""
        _run([str(self.bin_dir / "pg_ctl"), "restart", "-D", str(self.data), "-m", mode,
              "-l", str(self.log), "-o", f"-p {self.port}", "-w", "-t", str(int(timeout))],
             timeout=2 * timeout + 5, log=self.log)

    def psql(self, sql: str, *, database: str = "postgres",
             timeout: float = WAIT_SECONDS) -> str:
        """Run SQL through ``psql`` (unaligned, tuples only) in ``database``; its output."""
        return _run([str(self.bin_dir / "psql"), "-h", self.host, "-p", str(self.port), "-U",
                     SUPERUSER, "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                    timeout=timeout, log=self.log)

    def destroy(self) -> None:
        """Stop the server however it can be stopped, and delete its folder (data and log)."""
        try:
            if self.running:
                self.stop("immediate", timeout=10)
        except ClusterError:
            _kill_postmaster(self.data)
        shutil.rmtree(self.data.parent, ignore_errors=True)


def _configure(data: Path, sizes: dict[str, str]) -> None:
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(SETTINGS + "".join(f"{name} = {value}\n" for name, value in sizes.items()))
    (data / "pg_hba.conf").write_text(TRUST)
    (data / "pg_ident.conf").touch()


def _kill_postmaster(data: Path) -> None:
    import signal

    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError, IndexError):
        pass


def wait_until_standby_has(standby: Cluster, sql: str, expected: str, *,
                           timeout: float = WAIT_SECONDS) -> None:
    """Poll ``sql`` on ``standby`` until it answers ``expected`` (replication caught up)."""
    deadline = time.monotonic() + timeout
    answer = ""
    while time.monotonic() < deadline:
        try:
            answer = standby.psql(sql, timeout=5).strip()
        except ClusterError as exc:
            answer = str(exc)
        if answer == expected:
            return
        time.sleep(0.1)
    raise ClusterError(f"the standby still answers {answer!r} to {sql!r}, not {expected!r}")


def replication_refusal(host: str, port: int, *, bin_dir: Path | None = None) -> str | None:
    """Why the server at ``host:port`` refuses a replication connection from us (typically a
    missing ``host replication all 127.0.0.1/32 trust`` line in its pg_hba.conf), or None
    when ``IDENTIFY_SYSTEM`` over one works."""
    folder = bin_dir or pg_bin_dir()
    if folder is None:
        return "psql not found"
    try:
        _run([str(folder / "psql"),
              f"host={host} port={port} user={SUPERUSER} dbname=postgres replication=true "
              "connect_timeout=5", "-Atc", "IDENTIFY_SYSTEM"], timeout=15, server_user=False)
    except ClusterError as exc:
        return str(exc).splitlines()[0]
    return None


def replication_allowed(host: str, port: int) -> bool:
    """Whether the server at ``host:port`` accepts a replication connection from us."""
    return replication_refusal(host, port) is None
