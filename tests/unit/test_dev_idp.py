"""The development identity provider's logic, called directly: accounts, keys, codes, PKCE, tokens."""

from __future__ import annotations

import json
import stat
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from devstack.dev_idp import (
    CLIENT_ID,
    CODE_LIFETIME,
    LOCAL_PASSWORD,
    ROLES,
    AccountsError,
    DevIdentityProvider,
    Response,
    content_centre_ids,
    describe_accounts,
    ephemeral_key,
    jwks,
    load_accounts,
    load_key,
    mint_id_token,
    pkce_challenge,
    public_jwk,
    thumbprint,
)

ORIGIN = "http://127.0.0.1:8123"
ISSUER = f"{ORIGIN}/dev-idp"
REDIRECT = f"{ORIGIN}/staff/"
VERIFIER = "v" * 20 + "-._~" + "0123456789abcdefghijklmnopqrstuvwxyz"
FORM = "application/x-www-form-urlencoded"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def idp(clock: Clock) -> DevIdentityProvider:
    return DevIdentityProvider(
        key=ephemeral_key(), accounts=load_accounts(), issuer=ISSUER, allowed_uris=frozenset({REDIRECT}), clock=clock
    )


def authorize_params(**changes: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "st-1",
        "scope": "openid",
        "code_challenge": pkce_challenge(VERIFIER),
        "code_challenge_method": "S256",
    }
    params.update(changes)
    return {k: v for k, v in params.items() if v is not None}


def post(idp: DevIdentityProvider, path: str, form: dict[str, str]) -> Response:
    return idp.handle("POST", path, "", urlencode(form).encode(), FORM, local=True)


def sign_in(idp: DevIdentityProvider, username: str = "caseworker.dushanbe", **changes: str | None) -> str:
    """The code from a successful sign-in."""
    response = post(
        idp, "/dev-idp/login", {**authorize_params(**changes), "username": username, "password": LOCAL_PASSWORD}
    )
    assert response.status == 302, response.body
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == [changes.get("state") or "st-1"]
    return query["code"][0]


def exchange(idp: DevIdentityProvider, code: str, /, **changes: str | None) -> tuple[int, dict[str, Any]]:
    form: dict[str, str | None] = {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    form.update(changes)
    response = post(idp, "/dev-idp/oauth2/token", {k: v for k, v in form.items() if v is not None})
    assert response.headers["Cache-Control"] == "no-store"
    return response.status, json.loads(response.body)


def decode(token: str, key: rsa.RSAPrivateKey | None = None, audience: str = CLIENT_ID) -> dict[str, Any]:
    return jwt.decode(
        token, (key or ephemeral_key()).public_key(), algorithms=["RS256"], audience=audience, issuer=ISSUER
    )


# ---- accounts -----------------------------------------------------------------------------------


def test_the_sample_accounts_name_real_centres_and_cover_every_role() -> None:
    # Given the accounts file, checked against content/centres.yaml
    accounts = load_accounts(centre_ids=content_centre_ids())
    # Then the accounts the console and its tests rely on are there, as documented
    expected = {
        "caseworker.dushanbe": (("caseworker",), ("tj-dushanbe", "tj-khujand")),
        "manager.dushanbe": (("manager", "caseworker"), ("tj-dushanbe",)),
        "caseworker.istanbul": (("caseworker",), ("tr-istanbul",)),
        "focal.point": (("focal_point",), ("tj-dushanbe", "tr-istanbul")),
        "admin": (("admin",), ("*",)),
    }
    for username, (groups, centres) in expected.items():
        assert (accounts[username].groups, accounts[username].centres) == (groups, centres)
    assert accounts["admin"].all_centres and not accounts["manager.dushanbe"].all_centres
    assert {group for a in accounts.values() for group in a.groups} == set(ROLES)
    # And each has a stable UUID subject of its own
    subs = {a.sub for a in accounts.values()}
    assert len(subs) == len(accounts)
    assert accounts["admin"].sub == load_accounts()["admin"].sub == str(uuid.UUID(accounts["admin"].sub))


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"username": "x", "name": "X", "groups": ["boss"], "centres": ["tj-dushanbe"]}, "groups must be"),
        ({"username": "x", "name": "X", "groups": ["caseworker"], "centres": ["xx-nowhere"]}, "no such centre"),
        ({"username": "x", "name": "X", "groups": ["admin"], "centres": ["*", "tj-dushanbe"]}, "stands alone"),
        ({"username": "X Y", "name": "X", "groups": ["admin"], "centres": ["*"]}, "username must be"),
        ({"username": "x", "name": "X", "groups": ["admin"]}, "needs exactly"),
    ],
)
def test_a_wrong_account_is_named(tmp_path: Path, entry: dict[str, Any], problem: str) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(json.dumps({"accounts": [entry]}), encoding="utf-8")
    with pytest.raises(AccountsError, match=problem):
        load_accounts(path, centre_ids={"tj-dushanbe"})


def test_a_username_used_twice_is_refused(tmp_path: Path) -> None:
    entry = {"username": "x", "name": "X", "groups": ["admin"], "centres": ["*"]}
    path = tmp_path / "accounts.yaml"
    path.write_text(json.dumps({"accounts": [entry, entry]}), encoding="utf-8")
    with pytest.raises(AccountsError, match="used twice"):
        load_accounts(path)


def test_make_run_lists_each_account_with_roles_and_centres(tmp_path: Path) -> None:
    from devstack.run import staff_sign_in_help
    from devstack.stack import LocalStack, StackConfig

    text = staff_sign_in_help(LocalStack(StackConfig(data_dir=tmp_path)))
    assert "http://127.0.0.1:8000/staff/" in text
    assert LOCAL_PASSWORD in text and "local stack only" in text
    lines = describe_accounts(load_accounts())
    assert all(line in text for line in lines)
    assert any(line.split() == ["caseworker.dushanbe", "caseworker", "tj-dushanbe,", "tj-khujand"] for line in lines)
    assert any(line.split() == ["admin", "admin", "every", "centre"] for line in lines)


# ---- keys ---------------------------------------------------------------------------------------


def test_the_kid_is_the_rfc_7638_thumbprint() -> None:
    # The example of RFC 7638 section 3.1
    rfc_key = {
        "kty": "RSA",
        "e": "AQAB",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRX"
        "jBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaS"
        "qzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksIN"
        "HaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    }
    assert thumbprint(rfc_key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    jwk = public_jwk(ephemeral_key())
    assert jwk["kid"] == thumbprint(jwk) and jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert jwks(ephemeral_key()) == {"keys": [jwk]}
    assert "d" not in jwk and "p" not in jwk  # public parts only


def test_the_key_is_created_once_privately_even_by_racing_processes(tmp_path: Path) -> None:
    path = tmp_path / "data" / "dev-idp" / "key.pem"
    keys: list[rsa.RSAPrivateKey] = []
    threads = [threading.Thread(target=lambda: keys.append(load_key(path))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    public = {
        k.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        for k in keys
    }
    assert len(public) == 1 and keys[0].key_size == 2048
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["key.pem"]  # no temporary file left
    assert load_key(path).private_numbers() == keys[0].private_numbers()


# ---- tokens -------------------------------------------------------------------------------------


def test_a_minted_id_token_has_cognitos_claims() -> None:
    account = load_accounts()["manager.dushanbe"]
    token = mint_id_token(account, issuer=ISSUER, audience=CLIENT_ID, now=1_800_000_000, lifetime=3600)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == public_jwk(ephemeral_key())["kid"]
    claims = jwt.decode(
        token,
        ephemeral_key().public_key(),
        algorithms=["RS256"],
        audience=CLIENT_ID,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == ISSUER and claims["aud"] == CLIENT_ID and claims["token_use"] == "id"
    assert claims["sub"] == account.sub and claims["cognito:username"] == "manager.dushanbe"
    assert claims["cognito:groups"] == ["manager", "caseworker"] and claims["custom:centres"] == "tj-dushanbe"
    assert claims["name"] == account.name
    assert (claims["iat"], claims["auth_time"], claims["exp"]) == (1_800_000_000, 1_800_000_000, 1_800_003_600)
    assert uuid.UUID(claims["jti"])
    assert load_accounts()["admin"].identity_claims()["custom:centres"] == "*"


def test_bad_tokens_for_the_verifier_tests_are_refused_by_a_strict_check() -> None:
    account = load_accounts()["caseworker.dushanbe"]

    def mint(**kwargs: Any) -> str:
        return mint_id_token(account, issuer=ISSUER, audience=CLIENT_ID, **kwargs)

    decode(mint())  # the good one passes
    with pytest.raises(jwt.ExpiredSignatureError):
        decode(mint(lifetime=-60))
    with pytest.raises(jwt.InvalidAudienceError):
        decode(mint(aud="someone-else"))
    with pytest.raises(jwt.InvalidIssuerError):
        decode(mint(iss="http://evil.invalid/dev-idp"))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(jwt.InvalidSignatureError):
        decode(mint(key=other))
    unsigned = mint(alg="none")
    assert jwt.get_unverified_header(unsigned)["alg"] == "none" and unsigned.endswith(".")
    with pytest.raises(jwt.InvalidAlgorithmError):
        decode(unsigned)
    pem = (
        ephemeral_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    confused = mint(alg="HS256", key=pem)
    assert jwt.get_unverified_header(confused)["alg"] == "HS256"
    with pytest.raises(jwt.InvalidAlgorithmError):
        decode(confused)
    # Overrides change or remove claims, with short names for the Cognito ones
    claims = decode(mint(groups=["admin"], centres=["tr-istanbul", "tj-kulob"], token_use="access", name=None))
    assert claims["cognito:groups"] == ["admin"] and claims["custom:centres"] == "tr-istanbul,tj-kulob"
    assert claims["token_use"] == "access" and "name" not in claims
    assert jwt.get_unverified_header(mint(kid="unknown"))["kid"] == "unknown"


def test_pkce_s256_matches_rfc_7636() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # the example of RFC 7636 appendix B
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


# ---- the authorisation code flow ----------------------------------------------------------------


def test_the_sign_in_page_lists_the_accounts_without_inline_script_or_style(idp: DevIdentityProvider) -> None:
    hostile = '"><script>alert(1)</script>'
    response = idp.handle("GET", "/dev-idp/oauth2/authorize", urlencode(authorize_params(state=hostile)), local=True)
    page = response.body.decode()
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-store"
    assert '<html lang="en"' in page and "<title>Local sign-in (development only)</title>" in page
    assert '<form method="post" action="/dev-idp/login">' in page
    assert 'name="password" type="password"' in page and '<select id="username" name="username"' in page
    assert all(f'value="{username}"' in page for username in idp.accounts)
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page  # the state, escaped
    assert LOCAL_PASSWORD not in page


@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "someone-else"},
        {"redirect_uri": "https://evil.example/staff/"},
        {"redirect_uri": f"{ORIGIN}/staff/../api/"},
        {"redirect_uri": f"{ORIGIN}/"},
        {"redirect_uri": None},
    ],
)
def test_an_unknown_client_or_foreign_redirect_is_never_redirected_to(
    idp: DevIdentityProvider, changes: dict[str, str | None]
) -> None:
    for response in (
        idp.handle("GET", "/dev-idp/oauth2/authorize", urlencode(authorize_params(**changes)), local=True),
        post(idp, "/dev-idp/login", {**authorize_params(**changes), "username": "admin", "password": LOCAL_PASSWORD}),
    ):
        assert response.status == 400 and "Location" not in response.headers
        assert 'role="alert"' in response.body.decode() and "<form" not in response.body.decode()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
    ],
)
def test_a_request_without_s256_pkce_goes_back_with_an_error(
    idp: DevIdentityProvider, changes: dict[str, str | None], error: str
) -> None:
    response = idp.handle("GET", "/dev-idp/oauth2/authorize", urlencode(authorize_params(**changes)), local=True)
    assert response.status == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/staff/" and parse_qs(location.query)["error"] == [error]
    assert parse_qs(location.query)["state"] == ["st-1"] and "code" not in parse_qs(location.query)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("caseworker.dushanbe", "wrong"),
        ("caseworker.dushanbe", ""),
        ("nobody", LOCAL_PASSWORD),
        ("caseworker.dushanbe", LOCAL_PASSWORD + " "),
    ],
)
def test_a_wrong_password_or_account_shows_the_form_again(
    idp: DevIdentityProvider, username: str, password: str
) -> None:
    response = post(idp, "/dev-idp/login", {**authorize_params(), "username": username, "password": password})
    page = response.body.decode()
    assert response.status == 401 and "Location" not in response.headers
    assert "Wrong account or password." in page and "<form" in page
    assert LOCAL_PASSWORD not in page and 'value="wrong"' not in page  # a password is never echoed
    assert 'value="st-1"' in page  # the request is kept for the next try


def test_the_code_and_pkce_flow_issues_verifiable_tokens(idp: DevIdentityProvider, clock: Clock) -> None:
    # Given a caseworker who signs in
    code = sign_in(idp, nonce="n-42")
    clock.now += 10
    # When the console exchanges the code with its verifier
    status, body = exchange(idp, code)
    # Then it gets Cognito's answer, and the ID token says who signed in and when
    assert status == 200 and set(body) == {"id_token", "access_token", "expires_in", "token_type"}
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer"
    claims = jwt.decode(
        body["id_token"],
        idp.key.public_key(),
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=ISSUER,
        options={"verify_exp": False, "verify_iat": False},
    )
    account = idp.accounts["caseworker.dushanbe"]
    assert claims["sub"] == account.sub and claims["cognito:groups"] == ["caseworker"]
    assert claims["custom:centres"] == "tj-dushanbe,tj-khujand" and claims["nonce"] == "n-42"
    assert claims["auth_time"] == int(clock.now) - 10 and claims["iat"] == int(clock.now)
    assert claims["exp"] == int(clock.now) + 3600
    access = jwt.decode(
        body["access_token"],
        idp.key.public_key(),
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert access["token_use"] == "access" and access["client_id"] == CLIENT_ID and "aud" not in access
    assert access["sub"] == account.sub and access["scope"] == "openid" and access["cognito:groups"] == ["caseworker"]


def test_a_code_is_used_once(idp: DevIdentityProvider) -> None:
    code = sign_in(idp)
    assert exchange(idp, code)[0] == 200
    assert exchange(idp, code) == (400, {"error": "invalid_grant"})


@pytest.mark.parametrize(
    "changes",
    [
        {"code_verifier": "w" * 43},
        {"code_verifier": None},
        {"code_verifier": "short"},
        {"redirect_uri": f"{ORIGIN}/staff/fr/"},
        {"code": "not-a-code"},
    ],
)
def test_a_wrong_verifier_or_redirect_burns_the_code(idp: DevIdentityProvider, changes: dict[str, str | None]) -> None:
    code = sign_in(idp)
    assert exchange(idp, code, **changes) == (400, {"error": "invalid_grant"})
    if "code" not in changes:  # the code is gone: a second, right try fails too
        assert exchange(idp, code) == (400, {"error": "invalid_grant"})


def test_a_code_lives_five_minutes(idp: DevIdentityProvider, clock: Clock) -> None:
    early, late = sign_in(idp), sign_in(idp)
    clock.now += CODE_LIFETIME - 1
    assert exchange(idp, early)[0] == 200
    clock.now += 1
    assert exchange(idp, late) == (400, {"error": "invalid_grant"})


def test_codes_are_bound_to_their_client_and_grant_type(idp: DevIdentityProvider) -> None:
    code = sign_in(idp)
    assert exchange(idp, code, grant_type="refresh_token") == (400, {"error": "unsupported_grant_type"})
    assert exchange(idp, code, client_id="someone-else") == (401, {"error": "invalid_client"})
    assert exchange(idp, code)[0] == 200  # neither attempt could spend it


def test_the_token_endpoint_wants_a_form_without_repeated_fields(idp: DevIdentityProvider) -> None:
    code = sign_in(idp)
    form = {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    as_json = idp.handle("POST", "/dev-idp/oauth2/token", "", json.dumps(form).encode(), "application/json", local=True)
    assert (as_json.status, json.loads(as_json.body)) == (400, {"error": "invalid_request"})
    repeated = urlencode(form) + "&code=other"
    response = idp.handle("POST", "/dev-idp/oauth2/token", "", repeated.encode(), FORM, local=True)
    assert (response.status, json.loads(response.body)) == (400, {"error": "invalid_request"})


def test_logout_goes_back_to_the_console_only(idp: DevIdentityProvider) -> None:
    good = idp.handle("GET", "/dev-idp/logout", urlencode({"client_id": CLIENT_ID, "logout_uri": REDIRECT}), local=True)
    assert (good.status, good.headers["Location"]) == (302, REDIRECT)
    for params in (
        {"client_id": CLIENT_ID, "logout_uri": "https://evil.example/"},
        {"client_id": "other", "logout_uri": REDIRECT},
        {"client_id": CLIENT_ID},
    ):
        response = idp.handle("GET", "/dev-idp/logout", urlencode(params), local=True)
        assert response.status == 400 and "Location" not in response.headers


def test_routes_and_methods(idp: DevIdentityProvider) -> None:
    keys = idp.handle("GET", "/dev-idp/.well-known/jwks.json", "", local=True)
    assert keys.status == 200 and json.loads(keys.body) == jwks(idp.key)
    assert idp.handle("GET", "/dev-idp/nothing", "", local=True).status == 404
    assert idp.handle("POST", "/dev-idp/oauth2/authorize", "", local=True).status == 405
    wrong = idp.handle("GET", "/dev-idp/oauth2/token", "", local=True)
    assert (wrong.status, wrong.headers["Allow"]) == (405, "POST")
    assert idp.handle("HEAD", "/dev-idp/.well-known/jwks.json", "", local=True).status == 200


# ---- only on this machine ------------------------------------------------------------------------


def test_from_another_machine_there_is_no_form_no_code_and_no_token(idp: DevIdentityProvider) -> None:
    # Given a code a caseworker got on this machine
    code = sign_in(idp)
    # When someone elsewhere asks for the sign-in page, signs in with the right password, or
    # exchanges the code with its verifier
    page = idp.handle("GET", "/dev-idp/oauth2/authorize", urlencode(authorize_params()), local=False)
    login = idp.handle(
        "POST",
        "/dev-idp/login",
        "",
        urlencode({**authorize_params(), "username": "admin", "password": LOCAL_PASSWORD}).encode(),
        FORM,
        local=False,
    )
    token = idp.handle(
        "POST",
        "/dev-idp/oauth2/token",
        "",
        urlencode(
            {
                "grant_type": "authorization_code",
                "client_id": CLIENT_ID,
                "code": code,
                "redirect_uri": REDIRECT,
                "code_verifier": VERIFIER,
            }
        ).encode(),
        FORM,
        local=False,
    )
    # Then each is refused, names no account and says where sign-in works
    for response in (page, login):
        text = response.body.decode()
        assert response.status == 403 and "Location" not in response.headers
        assert "<form" not in text and "only on the machine that runs the local stack" in text
        assert not any(username in text for username in idp.accounts)
    assert (token.status, json.loads(token.body)) == (403, {"error": "access_denied"})
    # and the code still works where it was issued (a remote attempt neither uses nor burns it)
    assert exchange(idp, code)[0] == 200
    # The public keys and sign-out are no secret: served to anyone
    assert idp.handle("GET", "/dev-idp/.well-known/jwks.json", "", local=False).status == 200
    logout = idp.handle(
        "GET", "/dev-idp/logout", urlencode({"client_id": CLIENT_ID, "logout_uri": REDIRECT}), local=False
    )
    assert logout.status == 302


def test_on_the_network_the_sign_in_page_names_no_account(idp: DevIdentityProvider) -> None:
    # Given the portal listening on the network (PASSERELLE_ALLOW_NETWORK=1)
    idp.list_accounts = False
    # When the sign-in page is shown on this machine
    page = idp.handle("GET", "/dev-idp/oauth2/authorize", urlencode(authorize_params()), local=True).body.decode()
    # Then the username is typed: no account, name, role or centre is on it
    assert '<input id="username" name="username" autocomplete="username" required value="">' in page
    assert "<select" not in page and "<option" not in page
    for account in idp.accounts.values():
        assert account.username not in page and account.name not in page
        assert not any(centre in page for centre in account.centres if centre != "*")
    # and a wrong password shows the typed name back, escaped, but no list
    wrong = post(idp, "/dev-idp/login", {**authorize_params(), "username": '"><b>x', "password": "no"})
    assert wrong.status == 401 and 'value="&quot;&gt;&lt;b&gt;x"' in wrong.body.decode()
    assert "<option" not in wrong.body.decode()
    # while the one who types a real account's name on this machine signs in
    assert sign_in(idp, "manager.dushanbe")


def test_the_stack_gives_the_workers_the_providers_urls_and_mints_tokens_it_would(tmp_path: Path) -> None:
    from devstack.stack import LocalStack, StackConfig

    stack = LocalStack(StackConfig(data_dir=tmp_path, port=8123, host="0.0.0.0"))
    env = stack.api_env()
    assert env["STAFF_JWT_ISSUER"] == env["STAFF_AUTH_URL"] == ISSUER == stack.staff_issuer
    assert env["STAFF_JWT_AUDIENCE"] == CLIENT_ID == stack.staff_audience
    assert env["STAFF_JWKS_URL"] == "http://127.0.0.1:8123/dev-idp/.well-known/jwks.json"
    assert stack.console_url == REDIRECT
    token = stack.staff_token("focal.point")
    claims = decode(token, key=stack.staff_key())
    assert claims["cognito:groups"] == ["focal_point"] and claims["custom:centres"] == "tj-dushanbe,tr-istanbul"
    assert (tmp_path / "dev-idp" / "key.pem").exists()
    assert stack.staff_headers("admin")["Authorization"].startswith("Bearer ey")
