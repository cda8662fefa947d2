"""The whole portal on one machine: DynamoDB Local and S3, the table, the one-origin server and the
development identity provider standing in for Cognito. `make run` and the test fixtures both use
`LocalStack`."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from devstack import SITE_DIR
from devstack.dev_idp import (
    CLIENT_ID,
    PREFIX,
    Account,
    DevIdentityProvider,
    content_centre_ids,
    load_accounts,
    load_key,
    mint_id_token,
)
from devstack.dynamodb_local import DynamoDBLocal, free_port, local_client
from devstack.network import is_loopback
from devstack.outbox import OUTBOX_FILE, STAFF_DIRECTORY, write_staff_directory
from devstack.s3_local import S3Local
from devstack.server import PortalServer, api_environment, run_scheduled
from devstack.table import ensure_table


@dataclass
class StackConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    dynamodb_port: int = 8070
    s3_port: int = 0  # 0: any free port (the tests); `make run` passes S3_PORT (8071)
    table_name: str = "passerelle-dev"
    stage: str = "dev"
    workers: int = 4
    site_dir: Path = SITE_DIR
    schedule_seconds: float = 60.0
    env: dict[str, str] = field(default_factory=dict)  # more Lambda environment (tests' settings)


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.dynamodb = DynamoDBLocal(config.dynamodb_port, config.data_dir / "dynamodb")
        self.s3 = S3Local(config.s3_port or free_port(), config.data_dir / "s3")
        self.server: PortalServer | None = None
        self.identity_provider: DevIdentityProvider | None = None
        self._staff_accounts: dict[str, Account] | None = None
        self._thread: threading.Thread | None = None
        self._stop_schedule = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.config.port}"

    @property
    def browser_url(self) -> str:
        """The origin as a browser reaches it: a server bound to every address is reached on loopback."""
        host = "127.0.0.1" if self.config.host in ("", "0.0.0.0") else self.config.host  # noqa: S104
        return f"http://{host}:{self.config.port}"

    @property
    def console_url(self) -> str:
        return f"{self.browser_url}/staff/"

    # ---- staff sign-in: the development identity provider (devstack/dev_idp.py) ----

    @property
    def staff_issuer(self) -> str:
        return f"{self.browser_url}{PREFIX}"

    @property
    def staff_audience(self) -> str:
        return CLIENT_ID

    @property
    def staff_jwks_url(self) -> str:
        """Where the API workers fetch the keys: the server itself, on loopback when it listens there."""
        host = "127.0.0.1" if self.config.host in ("", "0.0.0.0", "localhost") else self.config.host  # noqa: S104
        return f"http://{host}:{self.config.port}{PREFIX}/.well-known/jwks.json"

    @property
    def outbox_file(self) -> Path:
        return self.config.data_dir / "outbox.jsonl"

    def staff_accounts(self) -> dict[str, Account]:
        """The sample staff accounts (devstack/staff_accounts.yaml), checked against the centres."""
        if self._staff_accounts is None:
            self._staff_accounts = load_accounts(centre_ids=content_centre_ids())
        return self._staff_accounts

    def staff_key(self) -> rsa.RSAPrivateKey:
        """The identity provider's signing key, generated into the data folder on first use."""
        return load_key(self.config.data_dir / "dev-idp" / "key.pem")

    def staff_token(self, account: str | Account, **overrides: Any) -> str:
        """A signed ID token for a sample account (by username) as the sign-in flow would issue it,
        without the browser; `overrides` change claims or header fields (see `mint_id_token`)."""
        if isinstance(account, str):
            account = self.staff_accounts()[account]
        key = self.identity_provider.key if self.identity_provider is not None else self.staff_key()
        return mint_id_token(account, issuer=self.staff_issuer, audience=self.staff_audience, key=key, **overrides)

    def staff_headers(self, account: str | Account, **overrides: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.staff_token(account, **overrides)}"}

    def api_env(self) -> dict[str, str]:
        no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY", ""), "127.0.0.1,localhost"]))
        return api_environment(
            self.config.stage,
            {
                "TABLE_NAME": self.config.table_name,
                "DYNAMODB_ENDPOINT_URL": self.dynamodb.endpoint,
                "S3_ENDPOINT_URL": self.s3.endpoint,  # evidence files (issue 14), kept in the data folder
                "ATTACHMENTS_BUCKET": self.s3.bucket,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_DEFAULT_REGION": "eu-west-1",
                "AWS_REGION": "eu-west-1",
                "PASSERELLE_DATA_DIR": str(self.config.data_dir),
                # DynamoDB Local on a busy 2-core machine can take seconds to answer, and it does not
                # honour the ClientRequestToken that makes botocore's retry of a timed-out transaction
                # safe in AWS: a generous timeout keeps retries (and false "already used") away.
                "DYNAMODB_TIMEOUT_SECONDS": "10",
                # The key for receipts and manage codes, generated on first use into the data folder.
                "PASSERELLE_SECRET_FILE": str(self.config.data_dir / "server-secret.key"),
                # What CloudFront adds to every API request and the API requires (core/edge.py): the
                # portal's server adds it here, so a caller cannot go around it to the workers.
                "PASSERELLE_ORIGIN_SECRET_FILE": str(self.config.data_dir / "origin-secret"),
                # Staff tokens come from the development identity provider on this origin; the workers
                # fetch its keys over loopback, never through a proxy set for the outside world.
                "STAFF_JWT_ISSUER": self.staff_issuer,
                "STAFF_JWT_AUDIENCE": self.staff_audience,
                "STAFF_JWKS_URL": self.staff_jwks_url,
                "STAFF_AUTH_URL": self.staff_issuer,
                "NO_PROXY": no_proxy,
                "no_proxy": no_proxy,
                # Nothing leaves the machine: SMS and e-mails go to the outbox (devstack/outbox.py),
                # staff addresses come from the sample accounts, links name this origin.
                OUTBOX_FILE: str(self.outbox_file),
                "STAFF_DIRECTORY_FILE": str(self.config.data_dir / STAFF_DIRECTORY),
                "SITE_URL": self.browser_url,
                **self.config.env,
            },
        )

    def start_database(self) -> None:
        """The stores and the table. Centres are not in it: the API reads them from the catalogue
        compiled from content/ (make content), which it packages."""
        self.s3.start()
        self.dynamodb.start()
        ensure_table(local_client(self.dynamodb.endpoint), self.config.table_name)

    def start_server(self) -> None:
        self._create_secret()
        accounts, key = self.staff_accounts(), self.staff_key()  # before any worker starts
        write_staff_directory(self.config.data_dir / STAFF_DIRECTORY, accounts.values())

        def environment(port: int) -> dict[str, str]:  # with port 0, known once the server is bound
            self.config.port = port
            return self.api_env()

        self.server = PortalServer(
            (self.config.host, self.config.port), self.config.site_dir, environment, self.config.workers
        )
        # The user pool client's allowed callback and sign-out URLs: the console, on this origin.
        origins = {self.browser_url}
        if self.browser_url.startswith("http://127.0.0.1:"):
            origins.add(f"http://localhost:{self.config.port}")
        # On the network (PASSERELLE_ALLOW_NETWORK=1), the sign-in page names no account.
        self.identity_provider = DevIdentityProvider(
            key=key,
            accounts=accounts,
            issuer=self.staff_issuer,
            allowed_uris=frozenset(f"{origin}/staff/" for origin in origins),
            list_accounts=is_loopback(self.config.host),
        )
        self.server.identity_provider = self.identity_provider
        self.server.outbox_file = self.outbox_file
        self._thread = threading.Thread(target=self.server.serve_forever, name="portal", daemon=True)
        self._thread.start()
        # What EventBridge runs on a schedule in AWS (app.py's @app.schedule functions).
        self._stop_schedule.clear()
        threading.Thread(target=self._schedule, name="schedule", daemon=True).start()

    def _schedule(self) -> None:
        while not self._stop_schedule.wait(self.config.schedule_seconds):
            server = self.server
            if server is None:
                return
            try:
                server.pool.submit(run_scheduled).result(timeout=60)
            except Exception as exc:  # a failed run is retried at the next tick, as in AWS
                print(f"scheduled run failed: {exc}", flush=True)

    def _create_secret(self) -> None:
        """Create the server key and the origin secret before any worker starts, so they all read
        the same ones."""

        from chalicelib.core.secrets import _file_key, new_origin_secret, write_once

        env = self.api_env()
        _file_key(Path(env["PASSERELLE_SECRET_FILE"]))
        write_once(Path(env["PASSERELLE_ORIGIN_SECRET_FILE"]), new_origin_secret)

    def start(self) -> LocalStack:
        try:
            self.start_database()
            self.start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self._stop_schedule.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        self.dynamodb.stop()
        self.s3.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
