"""Runs in a bare Python (`python -I -S tests/bundle_driver.py BUNDLE`): nothing on the path but the
standard library and the unpacked Lambda bundle, as in Lambda. It imports the handler as Lambda
does (`app.app`), says where every module it loaded came from, then answers API Gateway events,
one JSON line in, one line out (the answer, and the domains loaded so far), until stdin ends
(tests/integration/test_package.py). Its own lines start with MARK: the API's log lines go to
stdout too.

Standard library only: this file is not part of the bundle and must not lean on the test's
environment."""

import json
import sys
import uuid

MARK = "@bundle "


class Context:
    """What Lambda passes as the context (the parts Powertools reads)."""

    function_name = "passerelle-bundle"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:000000000000:function:passerelle-bundle"
    log_group_name = "/aws/lambda/passerelle-bundle"
    log_stream_name = "bundle"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def main(bundle: str) -> None:
    sys.path.insert(0, bundle)
    import app

    origins = sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())})
    third_party = [o for o in origins if "-packages" in o]
    ours = sorted(name for name in sys.modules if name.startswith("chalicelib."))
    print(MARK + json.dumps({"loaded_outside": third_party, "handler": app.__file__, "modules": ours}), flush=True)
    for line in sys.stdin:
        event = json.loads(line)
        answer = app.app(event, Context())
        print(MARK + json.dumps({"answer": answer, "domains": sorted(app.app.loaded)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
