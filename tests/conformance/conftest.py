"""Starts a real parley-server on 127.0.0.1 with a temp data dir and points
Twilio's official Python helper library at it."""

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from twilio.rest import Client

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("PARLEY_SERVER_BIN", ROOT / "target" / "debug" / "parley-server"))


@dataclass
class Server:
    url: str
    account_sid: str
    auth_token: str
    data_dir: Path
    proc: subprocess.Popen

    def cli(self, *args, stdin=None):
        """Runs a parley-server subcommand against this server's data dir."""
        out = subprocess.run(
            [str(BIN), "--data-dir", str(self.data_dir), *args],
            input=stdin, capture_output=True, text=True, check=True, timeout=60,
        )
        return out.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("parley")
    port = free_port()
    sid = "AC" + secrets.token_hex(16)
    token = secrets.token_hex(16)
    env = dict(os.environ, PARLEY_ACCOUNT_SID=sid, PARLEY_AUTH_TOKEN=token, PARLEY_LOG="warn")
    proc = subprocess.Popen(
        [str(BIN), "--data-dir", str(data), "serve", "--listen", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(data / "server.log", "w"),
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("parley-server did not start: " + (data / "server.log").read_text())
    yield Server(url, sid, token, data, proc)
    proc.terminate()
    proc.wait(timeout=10)


def client_for(server, username=None, password=None):
    c = Client(username or server.account_sid, password or server.auth_token, server.account_sid)
    c.chat.base_url = server.url
    c.api.base_url = server.url
    return c


@pytest.fixture
def client(server):
    return client_for(server)


@pytest.fixture
def service(client):
    svc = client.chat.v2.services.create(friendly_name="conformance " + secrets.token_hex(4))
    yield svc
    client.chat.v2.services(svc.sid).delete()
