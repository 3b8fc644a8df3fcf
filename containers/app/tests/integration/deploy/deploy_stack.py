"""The stack that `./run.sh --detach` started: nginx TLS on 8443, AMQPS on 5671, the generated CA.

These tests look at the deployment from outside, as a client would. They skip, with the reason,
when the stack is not running: run-checks.sh starts it (scripts/checks/20-newman.sh) and the
tests run again there.

Not a conftest.py: the integration tests import theirs by name (`from conftest import ...`).
"""

from __future__ import annotations

import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[5]
CA_FILE = ROOT / ".run" / "tls" / "ca.crt"
HTTPS_PORT = 8443
HTTP_PORT = 8080
AMQPS_PORT = 5671


@dataclass(frozen=True)
class Stack:
    base_url: str
    http_url: str
    ca_file: Path

    def token(self, email: str) -> str:
        """An ID token of a demo user, the way the README says: ./run.sh token EMAIL."""
        done = subprocess.run([str(ROOT / "run.sh"), "token", email], capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def s_client(port: int, *options: str) -> subprocess.CompletedProcess[str]:
    """One TLS handshake with openssl s_client, the CA checked; stdout and stderr together."""
    return subprocess.run(
        ["openssl", "s_client", "-connect", f"localhost:{port}", "-servername", "localhost",
         "-CAfile", str(CA_FILE), "-verify_return_error", *options],
        input="", capture_output=True, text=True, errors="replace", timeout=20, check=False,
    )
