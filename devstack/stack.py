"""The whole portal on one machine: DynamoDB Local, the table, the sample centres, and the
one-origin server. `make run` and the test fixtures both use `LocalStack`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack import SITE_DIR
from devstack.content import load_catalogue
from devstack.dynamodb_local import DynamoDBLocal, local_client
from devstack.server import PortalServer, api_environment, run_scheduled
from devstack.table import ensure_table


@dataclass
class StackConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    dynamodb_port: int = 8070
    table_name: str = "passerelle-dev"
    stage: str = "dev"
    workers: int = 4
    site_dir: Path = SITE_DIR
    schedule_seconds: float = 60.0
    env: dict[str, str] = field(default_factory=dict)  # more Lambda environment (tests' settings)


def seed_centres(client: Any, table_name: str) -> int:
    """Upsert one profile item per sample centre (staff scope and dated exceptions hang off it)."""
    catalogue = load_catalogue()
    for centre in catalogue.centres:
        client.put_item(TableName=table_name, Item={
            "PK": {"S": f"CENTRE#{centre.id}"}, "SK": {"S": "PROFILE"}, "type": {"S": "Centre"},
            "name": {"S": centre.name["en"]}, "country": {"S": centre.country},
            "timezone": {"S": centre.timezone}, "sample_data": {"BOOL": catalogue.sample_data},
        })
    return len(catalogue.centres)


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.dynamodb = DynamoDBLocal(config.dynamodb_port, config.data_dir / "dynamodb")
        self.server: PortalServer | None = None
        self._thread: threading.Thread | None = None
        self._stop_schedule = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.config.port}"

    def api_env(self) -> dict[str, str]:
        return api_environment(self.config.stage, {
            "TABLE_NAME": self.config.table_name,
            "DYNAMODB_ENDPOINT_URL": self.dynamodb.endpoint,
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
            **self.config.env,
        })

    def start_database(self) -> int:
        self.dynamodb.start()
        client = local_client(self.dynamodb.endpoint)
        ensure_table(client, self.config.table_name)
        return seed_centres(client, self.config.table_name)

    def start_server(self) -> None:
        self._create_secret()
        self.server = PortalServer((self.config.host, self.config.port), self.config.site_dir,
                                   self.api_env(), self.config.workers)
        self.config.port = self.server.server_address[1]
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
        """Create the server key before any worker starts, so they all read the same one."""
        import sys

        from devstack import BACKEND

        sys.path.insert(0, str(BACKEND))
        from chalicelib.core.secrets import _file_key

        _file_key(Path(self.api_env()["PASSERELLE_SECRET_FILE"]))

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

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
