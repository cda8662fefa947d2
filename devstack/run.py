"""`make run`: the whole portal at http://127.0.0.1:8000 until Ctrl-C.

Variables: PORT (8000), DYNAMODB_PORT (8070), S3_PORT (8071), DATA_DIR (.data), HOST (127.0.0.1), API_WORKERS (4);
a HOST other than loopback needs PASSERELLE_ALLOW_NETWORK=1 (devstack/network.py).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from devstack import ROOT, SITE_DIR
from devstack.content import ContentError
from devstack.dev_idp import LOCAL_PASSWORD, AccountsError, describe_accounts
from devstack.dynamodb_local import PrerequisiteMissing
from devstack.network import ALLOW_NETWORK, is_loopback, refusal
from devstack.stack import LocalStack, StackConfig


def staff_sign_in_help(stack: LocalStack) -> str:
    """The console's address and the sample staff accounts of the development identity provider."""
    lines = [
        f"  Staff console: {stack.console_url}",
        f"  Sample staff accounts (all with the password {LOCAL_PASSWORD!r}: local stack only,",
        "  these accounts and this password exist nowhere else):",
    ]
    lines += [f"    {line}" for line in describe_accounts(stack.staff_accounts())]
    return "\n".join(lines) + "\n"


def network_warning(stack: LocalStack) -> str:
    return (
        f"  {ALLOW_NETWORK}=1: the portal listens on {stack.config.host or 'every address'}, so other machines "
        "reach it.\n  DynamoDB Local stays on 127.0.0.1; the development sign-in lists no accounts and "
        f"signs in only\n  on this machine, at {stack.console_url}\n"
    )


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    refused = refusal(host, os.environ)
    if refused is not None:  # before anything starts
        print(refused, file=sys.stderr)
        return 1
    data_dir = Path(os.environ.get("DATA_DIR") or ROOT / ".data").resolve()
    config = StackConfig(
        data_dir=data_dir,
        host=host,
        port=int(os.environ.get("PORT", "8000")),
        dynamodb_port=int(os.environ.get("DYNAMODB_PORT", "8070")),
        s3_port=int(os.environ.get("S3_PORT", "8071")),
        workers=int(os.environ.get("API_WORKERS", "4")),
    )
    if not (SITE_DIR / "index.html").exists():
        print("The site is not built: run `make run` (it builds it) or `make site`.", file=sys.stderr)
        return 1
    stop = threading.Event()
    # Ctrl-C and a plain kill both stop cleanly, even where the shell started us ignoring SIGINT.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stack = LocalStack(config)
    try:
        print(
            f"Starting DynamoDB Local on port {config.dynamodb_port} and S3 on port {config.s3_port} "
            f"(data in {data_dir}) ...",
            flush=True,
        )
        stack.start_database()
        print(f"Table '{config.table_name}' ready.", flush=True)
        stack.start_server()
        print(f"\n  Passerelle is running at {stack.url}/   (API: {stack.url}/api/health)\n", flush=True)
        print(staff_sign_in_help(stack), flush=True)
        print(
            f"  SMS and e-mails are not sent: they wait in the outbox, {stack.browser_url}/dev-outbox/ "
            "(on this machine only).\n",
            flush=True,
        )
        if not is_loopback(config.host):
            print(network_warning(stack), flush=True)
        print("  Press Ctrl-C to stop.\n", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    except (PrerequisiteMissing, ContentError, AccountsError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"Could not start: {exc}. Is another program using port {config.port}, {config.dynamodb_port} or "
            f"{config.s3_port}? Set PORT=..., DYNAMODB_PORT=... or S3_PORT=...",
            file=sys.stderr,
        )
        return 1
    finally:
        print("Stopping ...", flush=True)
        stack.stop()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
