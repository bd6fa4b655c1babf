"""PRIVATE PostgreSQL, Redis and Docker engine for the chaos tests, each on its own port, socket
and data directory: the shared ones (`make services`) are never stopped, restarted or flushed.

Every start is idempotent and bounded: a session's directories are named after its pid and held
by a lock for its lifetime, and a new session first reaps what a killed one left behind (its
servers, found by the pid files in those directories, and their mounts). Each start waits with a
readiness check and fails with the service's log tail.

The private Docker engine keeps its data root under /var/tmp so the grading image is loaded into
it once (`docker save | docker load`) and reused; a second session running meanwhile (another
checkout) gets a data root of its own instead of waiting.
"""

from __future__ import annotations

import contextlib
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

from sandbox.backends.docker import LABEL as SANDBOX_LABEL
from sandbox.backends.pool import POOL_LABEL
from sandbox.backends.pool import POOL_NAME_PREFIX as READY_PREFIX

DOCKER_CACHE = Path(os.environ.get("HIRELAB_CHAOS_DOCKER_ROOT", "/var/tmp/hirelab-chaos-docker"))
SESSION_LOCK = ".session.lock"
# Directories a session creates, "<prefix><pytest pid>[...]": reaped once their lock is free.
SESSION_GLOBS = ("/var/tmp/hirelab-chaos-[0-9]*", "/run/hirelab-chaos-[0-9]*",
                 "/run/hirelab-compose-[0-9]*", "/var/tmp/hirelab-chaos-docker-[0-9]*")
START_TIMEOUT_S = float(os.environ.get("HIRELAB_CHAOS_START_TIMEOUT_S", "240"))  # a loaded box


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError as error:
        return f"(no log at {path}: {error})"
    return f"last lines of {path}:\n" + "\n".join(text)


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2,
               log: Path | None = None) -> None:
    """Poll `predicate` until true; an AssertionError from it (the service died) ends the wait
    at once, other errors count as "not yet". On timeout: a clear error with the log's tail."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except AssertionError:
            raise
        except Exception as error:
            last_error = error
        time.sleep(interval)
    detail = f" (last error: {last_error!r})" if last_error else ""
    tail = f"\n{log_tail(log)}" if log else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{detail}{tail}")


def hold_session_lock(directory: Path):
    """Mark `directory` as this session's until the returned file is closed (or we die)."""
    directory.mkdir(parents=True, exist_ok=True)
    lock = (directory / SESSION_LOCK).open("w")
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return lock


def _alive_with(pid_file: Path, marker: str) -> int | None:
    """The pid in `pid_file` if that process runs and its command line mentions `marker`."""
    try:
        pid = int(pid_file.read_text().split()[0])
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError, IndexError):
        return None
    return pid if marker in command else None


def _end(pid: int, grace_s: float = 30) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)


def _processes_mentioning(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def unmount_under(directory: Path) -> None:
    """Lazily unmount whatever a dead dockerd left mounted at or under `directory`."""
    prefix = str(directory)
    with open("/proc/self/mounts") as mounts:
        points = [line.split()[1] for line in mounts]
    for point in sorted({p for p in points if p == prefix or p.startswith(prefix + "/")},
                        key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)


def reap_stale_sessions() -> list[str]:
    """Stop the servers of chaos sessions that died without tearing down, remove their
    directories; a live session (its lock held) is left alone. Returns what was reaped."""
    reaped = []
    for directory in sorted({Path(p) for pattern in SESSION_GLOBS for p in glob.glob(pattern)}):
        owner = directory.name.rpartition("-")[2]
        if owner.isdigit() and int(owner) != os.getpid() and Path(f"/proc/{owner}").exists():
            continue  # its session may still run (even one from before these locks)
        lock_path = directory / SESSION_LOCK
        try:
            with lock_path.open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                _reap(directory)
        except BlockingIOError:
            continue  # a live session's
        except OSError:
            _reap(directory)
        reaped.append(str(directory))
    return reaped


def _reap(directory: Path) -> None:
    marker = f"{directory}/"
    pid = _alive_with(directory / "dockerd.pid", marker)
    if pid:
        _end(pid)
    for leftover in _processes_mentioning(marker):  # its containerd and shims
        _end(leftover, grace_s=5)
    for pgdata in directory.glob("**/pgdata"):
        pid = _alive_with(pgdata / "postmaster.pid", marker)
        if pid:
            _end(pid)
    pid = _alive_with(directory / "redis" / "redis.pid", "redis-server")
    if pid:
        _end(pid, grace_s=5)
    unmount_under(directory)
    shutil.rmtree(directory, ignore_errors=True)


def _as_postgres(command: list[str]) -> subprocess.CompletedProcess:
    """Bounded: a PostgreSQL tool that does not answer fails the test with its command line
    (pg_ctl waits at most START_TIMEOUT_S itself; the slack covers its own start-up)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    timeout = START_TIMEOUT_S + 60
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise AssertionError(
            f"{' '.join(command)} did not finish within {timeout:.0f} s "
            f"(output so far: {error.stdout!r} {error.stderr!r})"
        ) from error


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

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        result = _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args])
        if result.returncode != 0:
            raise AssertionError(
                f"pg_ctl {' '.join(args[-1:])} failed for the private PostgreSQL:\n"
                f"{result.stdout}{result.stderr}\n{log_tail(self.log)}"
            )

    def running(self) -> bool:
        status = _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"])
        return status.returncode == 0

    def start(self) -> None:
        """Idempotent: a cluster that runs already is left as it is."""
        if (self.data / "PG_VERSION").exists() and self.running():
            return
        if not (self.data / "PG_VERSION").exists():
            self.root.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres")
            result = _as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U",
                                   "postgres", "-A", "trust", "--no-sync"])
            if result.returncode != 0:
                raise AssertionError(f"initdb failed:\n{result.stdout}{result.stderr}")
        self._pg_ctl(
            "-l", str(self.log), "-w", "-t", f"{START_TIMEOUT_S:.0f}", "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            "-c max_connections=100", "start",
        )

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every open connection is cut. The log file again (pg_ctl
        does not remember it): without it the new server inherits pg_ctl's captured stdout and
        the capture never ends (a clean-clone run hung here for 30 minutes)."""
        self._pg_ctl("-l", str(self.log), "-w", "-t", f"{START_TIMEOUT_S:.0f}", "-m", "fast",
                     "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m",
                          "immediate", "stop"])

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

    @property
    def log(self) -> Path:
        return self.root / "redis.log"

    def start(self) -> None:
        """Like the project's own Redis: no persistence, so a restart loses the queue.
        Idempotent: a server this object started and that still runs is left as it is."""
        if self.process is not None and self.process.poll() is None:
            return
        if shutil.which("redis-server") is None:
            raise AssertionError("redis-server is not installed: run `make services`")
        self.root.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                 "--appendonly", "no", "--dir", str(self.root)],
                stdout=log, stderr=subprocess.STDOUT,
            )
        (self.root / "redis.pid").write_text(str(self.process.pid))

        def up() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"the private Redis exited\n{log_tail(self.log)}")
            return self.cli("PING") == "PONG"

        wait_until(up, START_TIMEOUT_S, "the private Redis", log=self.log)

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args],
            capture_output=True, text=True, timeout=30,
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
    cache: Path = DOCKER_CACHE
    data_root: Path | None = None  # the cache, or this session's own when another holds it
    process: subprocess.Popen | None = None
    _locks: list = field(default_factory=list)

    @property
    def socket(self) -> Path:
        return self.run_dir / "docker.sock"

    @property
    def host(self) -> str:
        return f"unix://{self.socket}"

    @property
    def log(self) -> Path:
        return self.run_dir / "dockerd.log"

    def client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.host, timeout=120)

    def _claim_data_root(self) -> Path:
        """The cache if no other session uses it (its stale mounts cleared), else our own."""
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        lock = (self.cache.parent / f"{self.cache.name}.lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            own = self.cache.parent / f"{self.cache.name}-{os.getpid()}"
            self._locks.append(hold_session_lock(own))
            return own
        self._locks.append(lock)
        unmount_under(self.cache)
        self.cache.mkdir(exist_ok=True)
        return self.cache

    def start(self, clean: bool = True) -> None:
        """Idempotent: an engine this object started and that still runs is left as it is."""
        if self.process is not None and self.process.poll() is None:
            return
        if shutil.which("dockerd") is None:
            raise AssertionError("dockerd is not installed: run `make services`")
        if self.data_root is None:
            self.data_root = self._claim_data_root()
            self._locks.append(hold_session_lock(self.run_dir))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        with self.log.open("ab") as log:
            self.process = self._spawn(log)
        try:
            wait_until(self._ready, START_TIMEOUT_S, "the private Docker engine", log=self.log)
        except AssertionError:
            self._terminate()
            raise
        if clean:  # never after a restart: what the app leaves behind is what a test checks
            self.remove_containers()

    def remove_containers(self) -> None:
        """Containers (and their volumes) an interrupted earlier session left in this private,
        persistent engine: with a restart policy they would even be running again."""
        client = self.client()
        try:
            for container in client.containers.list(all=True):
                container.remove(force=True, v=True)
            client.volumes.prune()
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
            raise AssertionError(f"the private dockerd exited\n{log_tail(self.log)}")
        if not self.socket.exists():
            return False
        client = docker.DockerClient(base_url=self.host, timeout=10)
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
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def load_image(self, tag: str) -> None:
        """The grading image of this tree, copied from the shared engine once (cached by tag);
        other grading images a cached data root holds are dropped."""
        client = self.client()
        try:
            for image in client.images.list(name="hirelab/grader"):
                if tag not in image.tags:
                    with contextlib.suppress(docker.errors.APIError):
                        client.images.remove(image.id, force=True)
            try:
                client.images.get(tag)
                return
            except docker.errors.ImageNotFound:
                pass
        finally:
            client.close()
        copy_image(tag, self.host)

    def sandbox_containers(self) -> list[str]:
        client = self.client()
        try:
            found = client.containers.list(all=True, filters={"label": SANDBOX_LABEL})
            return [c.name for c in found]
        finally:
            client.close()

    def leftover_containers(self) -> list[str]:
        """Sandbox containers nothing will use: a run's (created for it, or pre-started and
        renamed when taken), stopped ones, and pre-started ones whose worker process is gone.
        Running pre-started containers of live workers are their pools, not leftovers."""
        client = self.client()
        try:
            found = client.containers.list(all=True, filters={"label": SANDBOX_LABEL})
        finally:
            client.close()
        return [
            f"{c.name} ({c.status}, {c.labels.get(POOL_LABEL, 'no pool')})"
            for c in found
            if c.labels.get(SANDBOX_LABEL) != "ready" or not c.name.startswith(READY_PREFIX)
            or c.status != "running" or not _pool_owner_alive(c.labels.get(POOL_LABEL, ""))
        ]

    def stop(self) -> None:
        self._terminate()
        unmount_under(self.run_dir)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if self.data_root is not None and self.data_root != self.cache:
            unmount_under(self.data_root)
            shutil.rmtree(self.data_root, ignore_errors=True)
        for lock in self._locks:
            lock.close()
        self._locks.clear()


def _pool_owner_alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and Path(f"/proc/{pid}").exists()


def copy_image(tag: str, host: str) -> None:
    """`docker save tag` on the shared engine into `docker load` on `host`."""
    with subprocess.Popen(["docker", "save", tag], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as save:
        loaded = subprocess.run(["docker", "-H", host, "load", "-q"], stdin=save.stdout,
                                capture_output=True, text=True, timeout=1800)
        save.stdout.close()
        error = save.stderr.read().decode(errors="replace")
    if save.returncode != 0:
        raise AssertionError(f"docker save {tag} failed (run `make image` first): {error}")
    if loaded.returncode != 0:
        raise AssertionError(f"docker load of {tag} failed: {loaded.stderr}")
