"""PRIVATE PostgreSQL, Redis and Docker engine for the chaos tests, each on its own port, socket
and data directory: the shared ones (`make services`) are never stopped, restarted or flushed.

The private Docker engine keeps its data root under /var/tmp so the grading image is loaded into
it once (`docker save | docker load`) and reused by later runs; everything else is thrown away.
"""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import docker

DOCKER_CACHE = Path(os.environ.get("HIRELAB_CHAOS_DOCKER_ROOT", "/var/tmp/hirelab-chaos-docker"))
SANDBOX_LABEL = "org.hirelab.sandbox"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@dataclass
class PrivatePostgres:
    root: Path
    port: int = field(default_factory=free_port)

    @property
    def bin(self) -> Path:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not found:
            raise AssertionError("PostgreSQL is not installed: run `make services`")
        return Path(found[-1])

    @property
    def data(self) -> Path:
        return self.root / "pgdata"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self.root.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres")
            _as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "--no-sync"]
            )
        _as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
             "-w", "-t", "60", "-o",
             f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
             "-c max_connections=100", "start"]
        )

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every open connection is cut."""
        _as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "-m", "fast",
             "restart"]
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", "immediate", "stop"]
            )

    def create_database(self, name: str) -> str:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)


@dataclass
class PrivateRedis:
    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Like the project's own Redis: no persistence, so a restart loses the queue."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                 "--appendonly", "no", "--dir", str(self.root)],
                stdout=log, stderr=subprocess.STDOUT,
            )
        wait_until(lambda: self.cli("PING") == "PONG", 20, "the private Redis")

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args],
            capture_output=True, text=True, timeout=10,
        )
        return result.stdout.strip()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        self.kill()


@dataclass
class PrivateDocker:
    """A second dockerd with its own data root, exec root, pid file, socket and containerd
    namespace, no bridge and no iptables rules: nothing it does reaches the shared engine."""

    run_dir: Path
    data_root: Path = DOCKER_CACHE
    process: subprocess.Popen | None = None
    _lock: object | None = None

    @property
    def socket(self) -> Path:
        return self.run_dir / "docker.sock"

    @property
    def host(self) -> str:
        return f"unix://{self.socket}"

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.host, timeout=120)

    def start(self, clean: bool = True) -> None:
        if self._lock is None:  # one private engine per data root at a time
            self.data_root.mkdir(parents=True, exist_ok=True)
            self._lock = (self.data_root.parent / f"{self.data_root.name}.lock").open("w")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with (self.run_dir / "dockerd.log").open("ab") as log:
            self.process = self._spawn(log)
        try:
            wait_until(self._ready, 60, "the private Docker engine")
        except AssertionError:
            self.stop()
            raise
        if clean:  # never after a restart: what the app leaves behind is what a test checks
            self.remove_containers()

    def remove_containers(self) -> None:
        """Containers an interrupted earlier session left in this (private, persistent) engine."""
        client = self.client()
        try:
            for container in client.containers.list(all=True):
                container.remove(force=True)
        finally:
            client.close()

    def _spawn(self, log) -> subprocess.Popen:
        return subprocess.Popen(
            ["dockerd", "--data-root", str(self.data_root),
             "--exec-root", str(self.run_dir / "exec"),
             "--pidfile", str(self.run_dir / "dockerd.pid"),
             "-H", self.host,
             "--containerd-namespace", "hirelab-chaos",
             "--containerd-plugins-namespace", "hirelab-chaos-plugins",
             "--cgroup-parent", "hirelab-chaos",
             "--bridge", "none", "--iptables=false", "--ip-masq=false", "--ip-forward=false",
             "--shutdown-timeout", "2"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def _ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise AssertionError(f"dockerd exited; see {self.run_dir / 'dockerd.log'}")
        if not self.socket.exists():
            return False
        client = self.client()
        try:
            return client.ping()
        finally:
            client.close()

    def restart(self) -> None:
        """What `systemctl restart docker` does: SIGTERM (containers are stopped), start again."""
        self._terminate()
        self.start(clean=False)

    def _terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def load_image(self, tag: str) -> None:
        """The grading image of this tree, copied from the shared engine once (cached by tag)."""
        client = self.client()
        try:
            client.images.get(tag)
            return
        except docker.errors.ImageNotFound:
            pass
        finally:
            client.close()
        with subprocess.Popen(["docker", "save", tag], stdout=subprocess.PIPE) as save:
            subprocess.run(
                ["docker", "-H", self.host, "load", "-q"], stdin=save.stdout, check=True,
                capture_output=True,
            )
        if save.returncode != 0:
            raise AssertionError(f"docker save {tag} failed: run `make image` first")

    def sandbox_containers(self) -> list[str]:
        client = self.client()
        try:
            found = client.containers.list(all=True, filters={"label": SANDBOX_LABEL})
            return [c.name for c in found]
        finally:
            client.close()

    def stop(self) -> None:
        self._terminate()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        netns = self.run_dir / "exec" / "netns" / "default"  # dockerd leaves it bind-mounted
        if netns.exists():
            subprocess.run(["umount", "-l", str(netns)], capture_output=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)
