"""The portal as several hosts run it, all on loopback: PostgreSQL (TEST_DATABASE_URL, emptied
and migrated), a Redis of its own, an SMTP server and the SMS gateway stand-in, two portal hosts
(gunicorn with 2 workers and a `flask worker` each, with their own instance folders and upload
folders and nothing shared but the settings) and nginx balancing between them with the shipped
configuration (deploy/nginx/portal-proxy.conf).

Run with `pytest -m cluster tests/cluster` and CLUSTER_DATABASE_URL naming a PostgreSQL database
of its own (everything in it is dropped first; not TEST_DATABASE_URL's, which the other tests
empty after each test). scripts/test.sh creates one. Without PostgreSQL, nginx or Redis the tests
are skipped on a developer's machine and fail under CI=true (tests/capabilities.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests import redis_server
from tests.capabilities import missing_capability, stop_process
from tests.sms_gateway import as_environment, running_gateway
from tests.smtp_server import Inbox

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
STAFF_PASSWORD = "Cluster-tests-7-horses"
SEARCH_LIMIT = 8  # per minute and client, across both hosts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer in {seconds} s:\n{log.read_text()}")


@dataclass
class Host:
    """One portal host: gunicorn and `flask worker`, on its own folder."""

    name: str
    folder: Path
    environment: dict
    port: int = field(default_factory=free_port)
    server: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def flask(self, *args: str) -> str:
        result = subprocess.run(
            [BIN / "flask", "--app", "portal", *args],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            pytest.fail(f"flask {' '.join(args)} on {self.name}:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> None:
        log = self.folder / "gunicorn.log"
        self.server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(f"{self.url}/healthz", self.server, log)
        if self.worker is not None and self.worker.poll() is None:
            return  # its worker outlived gunicorn
        self.worker = subprocess.Popen(
            [BIN / "flask", "--app", "portal", "worker"],
            cwd=ROOT,
            env=self.environment,
            stdout=(self.folder / "worker.log").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """kill -9 of the host's gunicorn, master and workers: a host that dies."""
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait()

    def stop(self) -> None:
        for process in (self.worker, self.server):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream portal {{
        {servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        set $portal_root {root};
        include {root}/deploy/nginx/portal-proxy.conf;
    }}
}}
"""


def start_nginx(folder: Path, hosts: list[Host]) -> tuple[subprocess.Popen, str]:
    """nginx on a free port with the shipped proxy configuration, balancing between `hosts`."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n        ".join(
        f"server 127.0.0.1:{host.port} max_fails=1 fail_timeout=5s;" for host in hosts
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            folder=folder,
            port=port,
            root=ROOT,
            servers=servers,
            # As root, nginx's workers would drop to "nobody", who may not read the checkout.
            user="user root;" if os.geteuid() == 0 else "",
        )
    )
    log = folder / "nginx.out"
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(folder)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/healthz", process, log)
    return process, url


@dataclass
class Cluster:
    hosts: list[Host]
    nginx_url: str
    database_url: str
    inbox: Inbox
    gateway: object
    folder: Path
    redis: subprocess.Popen


def empty_database(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    database_url = os.environ.get("CLUSTER_DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        missing_capability("the cluster test needs a PostgreSQL database: CLUSTER_DATABASE_URL")
    if not os.access(NGINX, os.X_OK):
        missing_capability(f"no nginx at {NGINX} (apt-get install nginx-light, or NGINX_PATH)")
    folder = tmp_path_factory.mktemp("cluster")
    redis_process, redis_url = redis_server.start(folder)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    processes = [redis_process]
    hosts: list[Host] = []
    with running_gateway() as (gateway, sms_settings):
        shared = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("TEST_DATABASE_URL", "CLUSTER_DATABASE_URL", "FLASK_APP")
            },
            "PORTAL_ENV": "testing",
            "SECRET_KEY": "cluster-test-secret-key-not-for-production",
            "CODE_HASH_KEY": "cluster-test-code-hash-key-0123456789abcdef",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "FILE_STORE": "database",
            "TRUSTED_PROXIES": "1",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp.port),
            **as_environment(sms_settings),
            "WORKER_POLL_SECONDS": "1",
            "PUBLIC_FORM_LIMIT": "100000 per minute",
            "PUBLIC_FORM_ATTEMPT_LIMIT": "100000 per minute",
            "LOOKUP_LIMIT": "100000 per minute",
            "LOGIN_LIMIT": "100000 per minute",
            "SEARCH_LIMIT": f"{SEARCH_LIMIT} per minute",
            "PORTAL_PASSWORD": STAFF_PASSWORD,
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("a", "b"):
            host_folder = folder / f"host-{name}"
            host_folder.mkdir()
            hosts.append(
                Host(
                    name,
                    host_folder,
                    {
                        **shared,
                        "INSTANCE_PATH": str(host_folder / "instance"),
                        "UPLOAD_DIR": str(host_folder / "uploads"),
                    },
                )
            )
        try:
            empty_database(database_url)
            hosts[0].flask("db", "upgrade")
            hosts[0].flask("demo-data")
            for host in hosts:
                host.start()
            nginx, nginx_url = start_nginx(folder / "nginx", hosts)
            processes.append(nginx)
            yield Cluster(hosts, nginx_url, database_url, inbox, gateway, folder, redis_process)
        finally:
            for host in hosts:
                host.stop()
            for process in processes:
                stop_process(process)
            smtp.stop()
            output = ROOT / "test-output" / "cluster"
            output.mkdir(parents=True, exist_ok=True)
            for log in folder.rglob("*.log"):
                shutil.copy(log, output / f"{log.parent.name}-{log.name}")
