"""A small cluster on this machine: two web hosts and two worker hosts (issue 14, item 4).

Each host is a network namespace of its own (`ip netns`), joined to the test's namespace by a
veth pair on a bridge with private addresses of the test's own: the web hosts serve on
10.231.0.11 and .12, the worker hosts are .21 and .22, and the test's side of the bridge is
10.231.0.1, where two `socat` forwarders pass PostgreSQL and Redis through to this machine's
loopback (they listen on 127.0.0.1 only). Each web host runs its own gunicorn master; each
worker host a Celery worker; beat runs beside the second worker. Where namespaces cannot be
made (not root, no `ip` or `socat`), the hosts are loopback addresses 127.0.0.11 to .22 instead,
reaching PostgreSQL and Redis directly; `Cluster.isolation` says which it was.
Nothing here talks to anything but loopback and these namespaces.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..workers import ROOT, server_env, wait_for

PREFIX = "pcl"
BRIDGE = f"{PREFIX}br0"
GATEWAY = "10.231.0.1"
HOSTS = {"web1": "10.231.0.11", "web2": "10.231.0.12", "wk1": "10.231.0.21", "wk2": "10.231.0.22"}
LOOPBACK_HOSTS = {"web1": "127.0.0.11", "web2": "127.0.0.12", "wk1": "127.0.0.21", "wk2": "127.0.0.22"}
WEB_PORT = 8000


def _ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def namespaces_possible() -> str | None:
    """None when namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "not root"
    for tool in ("ip", "socat"):
        if shutil.which(tool) is None:
            return f"no {tool}"
    probe = f"{PREFIX}-probe"
    made = _ip("netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"ip netns add failed: {made.stderr.strip()}"
    _ip("netns", "del", probe, check=False)
    return None


def teardown_network() -> None:
    """Remove what an earlier run left behind (namespaces take their veth ends with them)."""
    for name in HOSTS:
        _ip("netns", "del", f"{PREFIX}-{name}", check=False)
        _ip("link", "del", f"{PREFIX}-{name}h", check=False)
    _ip("link", "del", BRIDGE, check=False)


def setup_network() -> None:
    teardown_network()
    _ip("link", "add", BRIDGE, "type", "bridge")
    _ip("addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")
    for name, address in HOSTS.items():
        ns, host_end, ns_end = f"{PREFIX}-{name}", f"{PREFIX}-{name}h", f"{PREFIX}-{name}n"
        _ip("netns", "add", ns)
        _ip("link", "add", host_end, "type", "veth", "peer", "name", ns_end, "netns", ns)
        _ip("link", "set", host_end, "master", BRIDGE)
        _ip("link", "set", host_end, "up")
        _ip("-n", ns, "addr", "add", f"{address}/24", "dev", ns_end)
        _ip("-n", ns, "link", "set", ns_end, "up")
        _ip("-n", ns, "link", "set", "lo", "up")


@dataclass
class Member:
    name: str
    role: str  # web, worker, beat
    proc: subprocess.Popen
    log: Path
    url: str = ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def freeze(self) -> None:
        """SIGSTOP: a host that hangs. A worker's pending fetch still takes a message it will never grade."""
        self.kill(signal.SIGSTOP)

    def kill(self, sig=signal.SIGKILL) -> None:
        """The whole process group: a gunicorn master and its workers, a Celery worker and its pool."""
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        if self.alive():
            self.kill(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.proc.wait()
        self.kill(signal.SIGKILL)  # children a SIGKILLed master left behind

    def tail(self, lines=20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Cluster:
    """Two gunicorn masters, two Celery workers and beat on PostgreSQL and Redis; stop() ends it all."""

    database_url: str
    broker_url: str
    cache_url: str
    logs: Path
    env_extra: dict = field(default_factory=dict)
    isolation: str = ""
    members: dict = field(default_factory=dict)
    _forwarders: list = field(default_factory=list)

    def start(self) -> "Cluster":
        why_not = namespaces_possible()
        if why_not is None:
            setup_network()
            self.isolation = "network namespaces"
            self.hosts = dict(HOSTS)
            self._forward(self.database_url, 5432)
            self._forward(self.broker_url, 6379)
            self._wait_forwarders()
        else:
            self.isolation = f"loopback addresses (no namespaces: {why_not})"
            self.hosts = dict(LOOPBACK_HOSTS)
        self.logs.mkdir(parents=True, exist_ok=True)
        try:
            for name in ("web1", "web2"):
                self._start_web(name)
            for name in ("wk1", "wk2"):
                self._start_worker(name)
            self._start_beat("wk2")
            for name in ("web1", "web2"):
                self._wait_web(self.members[name])
            for name in ("wk1", "wk2", "beat"):
                self._wait_log(self.members[name], "ready." if name != "beat" else "beat: Starting")
        except BaseException:
            self.stop()
            raise
        return self

    # --- addresses ----------------------------------------------------------------------

    def _forward(self, url: str, default_port: int) -> None:
        port = urlsplit(url).port or default_port
        proc = subprocess.Popen(["socat", f"TCP-LISTEN:{port},bind={GATEWAY},fork,reuseaddr",
                                 f"TCP:127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        self._forwarders.append(proc)

    def _wait_forwarders(self) -> None:
        import socket

        def listening(port):
            try:
                with socket.create_connection((GATEWAY, port), timeout=1):
                    return True
            except OSError:
                return False

        for url, default in ((self.database_url, 5432), (self.broker_url, 6379)):
            port = urlsplit(url).port or default
            if not wait_for(lambda p=port: listening(p), timeout=10, interval=0.05):
                raise RuntimeError(f"the forwarder on {GATEWAY}:{port} did not start")

    def _seen_from_hosts(self, url: str) -> str:
        """The URL as a host reaches it: through the gateway's forwarder in a namespace."""
        if not self.isolation.startswith("network"):
            return url
        parts = urlsplit(url)
        netloc = parts.netloc.replace(parts.hostname, GATEWAY, 1)
        return parts._replace(netloc=netloc).geturl()

    def _command(self, host: str, cmd: list[str]) -> list[str]:
        if self.isolation.startswith("network"):
            return ["ip", "netns", "exec", f"{PREFIX}-{host}", *cmd]
        return cmd

    def env(self) -> dict:
        env = server_env(CELERY_BROKER_URL=self._seen_from_hosts(self.broker_url))
        env.update({
            "DATABASE_URL": self._seen_from_hosts(self.database_url),
            "REDIS_URL": self._seen_from_hosts(self.cache_url),
            "ALLOWED_HOSTS": ",".join(self.hosts.values()),
            "PARLEY_VAR_DIR": str(self.logs / "var"),
            **self.env_extra,
        })
        env.pop("CELERY_FILE_BROKER_DIR", None)
        return env

    # --- members ------------------------------------------------------------------------

    def _spawn(self, name: str, role: str, host: str, cmd: list[str], url: str = "") -> Member:
        log = self.logs / f"{name}.log"
        handle = open(log, "ab")  # noqa: SIM115 - the child keeps it; closed when the test's process ends
        proc = subprocess.Popen(self._command(host, cmd), cwd=ROOT, env=self.env(), stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()
        member = Member(name, role, proc, log, url)
        self.members[name] = member
        return member

    def _start_web(self, name: str) -> None:
        address = self.hosts[name]
        cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{address}:{WEB_PORT}",
               "--workers", "2", "--worker-class", "gthread", "--threads", "2", "--timeout", "60",
               "--graceful-timeout", "5", "--log-level", "warning"]
        self._spawn(name, "web", name, cmd, url=f"http://{address}:{WEB_PORT}")

    def _start_worker(self, name: str) -> None:
        cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "grading,default", "-c", "2",
               "--without-gossip", "--without-mingle", "-n", f"{name}@cluster", "--loglevel", "INFO"]
        self._spawn(name, "worker", name, cmd)

    def _start_beat(self, host: str) -> None:
        (self.logs / "var").mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
               "--schedule", str(self.logs / "var" / "celerybeat-schedule")]
        self._spawn("beat", "beat", host, cmd)

    def _wait_web(self, member: Member) -> None:
        def up():
            if not member.alive():
                raise RuntimeError(f"{member.name} exited:\n{member.tail()}")
            try:
                with urllib.request.urlopen(f"{member.url}/api/v1/courses/", timeout=5):  # noqa: S310 - own hosts
                    return True
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False

        if not wait_for(up, timeout=90, interval=0.3):
            raise RuntimeError(f"{member.name} did not answer within 90 s:\n{member.tail()}")

    def _wait_log(self, member: Member, text: str) -> None:
        def ready():
            if not member.alive():
                raise RuntimeError(f"{member.name} exited:\n{member.tail()}")
            return text in member.tail(200)

        if not wait_for(ready, timeout=90, interval=0.3):
            raise RuntimeError(f"{member.name} was not ready within 90 s:\n{member.tail()}")

    def stop(self) -> None:
        for member in self.members.values():
            member.stop()
        for proc in self._forwarders:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        self._forwarders.clear()
        if self.isolation.startswith("network"):
            teardown_network()


def wait_until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return bool(predicate())
