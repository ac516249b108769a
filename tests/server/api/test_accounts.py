"""Advisor sign-in: argon2id, hashed bearer tokens, expiry, sign-out, throttling, roles."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from server.api.app import http_operations
from server.core.security import token_hash
from server.db.models import Advisor, AuthToken, utcnow
from tests.conftest import Api
from tests.server.conftest import PASSWORD, Seeded


async def test_sign_in_returns_a_bearer_token_stored_only_as_hash(
    api: Api, seeded: Seeded
) -> None:
    response = await api.client.post(
        "/api/v1/auth/sign-in", json={"username": "Anna", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    assert len(token) >= 40 and body["advisor"]["username"] == "anna"

    async with api.services.db.session() as session:
        stored = (await session.scalars(select(AuthToken.token_hash))).all()
        password_hash = await session.scalar(select(Advisor.password_hash).where(
            Advisor.username == "anna"))
    assert stored == [token_hash(token)]
    assert token not in stored
    assert password_hash is not None and password_hash.startswith("$argon2id$")

    me = await api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["display_name"] == "Anna Berater"


async def test_wrong_password_is_refused_with_a_clear_json_error(
    api: Api, seeded: Seeded
) -> None:
    response = await api.client.post(
        "/api/v1/auth/sign-in", json={"username": "anna", "password": "wrong"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "not_authenticated", "message": "wrong user name or password", "fields": [],
    }


async def test_sign_out_revokes_the_token(api: Api, seeded: Seeded) -> None:
    headers = await api.sign_in("anna", PASSWORD)
    assert (await api.client.post("/api/v1/auth/sign-out", headers=headers)).status_code == 204
    response = await api.client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401


async def test_an_expired_token_is_refused(api: Api, seeded: Seeded) -> None:
    headers = await api.sign_in("anna", PASSWORD)
    async with api.services.db.session() as session:
        await session.execute(update(AuthToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = await api.client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


async def test_repeated_failures_throttle_even_the_right_password(
    api: Api, seeded: Seeded
) -> None:
    limit = api.services.settings.sign_in_max_failures
    for _ in range(limit):
        response = await api.client.post(
            "/api/v1/auth/sign-in", json={"username": "anna", "password": "guess"}
        )
        assert response.status_code == 401
    response = await api.client.post(
        "/api/v1/auth/sign-in", json={"username": "anna", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # Another account is not affected.
    await api.sign_in("ben", PASSWORD)


async def test_admin_endpoints_need_the_admin_role(api: Api, seeded: Seeded) -> None:
    advisor = await api.sign_in("anna", PASSWORD)
    admin = await api.sign_in("root", PASSWORD)
    assert (await api.client.get("/api/v1/advisors", headers=advisor)).status_code == 403
    listed = await api.client.get("/api/v1/advisors", headers=admin)
    assert listed.status_code == 200
    assert {a["username"] for a in listed.json()} == {"anna", "ben", "root"}
    created = await api.client.post("/api/v1/advisors", headers=admin, json={
        "username": "carla", "password": "a long enough password", "display_name": "Carla",
        "email": "carla@example.com", "topic_ids": [seeded.topic_id],
    })
    assert created.status_code == 201, created.text
    await api.sign_in("carla", "a long enough password")


PUBLIC_PATHS = {"/healthz", "/openapi.json"}


async def test_every_api_endpoint_outside_public_needs_a_sign_in(api: Api, seeded: Seeded) -> None:
    checked = 0
    for route in http_operations(api.app):  # also those /openapi.json leaves out
        path = route.path or ""
        if not path.startswith("/api/") or path.startswith("/api/v1/public/") or path.endswith(
            "/sign-in"
        ):
            continue
        concrete = re.sub(r"\{[a-z_]+\}", "1", path)
        for method in route.methods or ():
            response = await api.client.request(method, concrete, json={})
            assert response.status_code == 401, (method, path, response.text)
            checked += 1
    assert checked >= 10


async def test_the_published_schema_leaves_out_the_administrators_routes(api: Api) -> None:
    spec = (await api.client.get("/openapi.json")).json()
    published = {(method.upper(), path) for path, operations in spec["paths"].items()
                 for method in operations}
    assert ("GET", "/api/v1/topics") in published
    assert ("POST", "/api/v1/appointments") in published
    for admin_only in (("GET", "/api/v1/advisors"), ("POST", "/api/v1/advisors"),
                       ("POST", "/api/v1/topics")):
        assert admin_only not in published
        assert any(admin_only[1] == r.path and admin_only[0] in (r.methods or ())
                   for r in http_operations(api.app)), "the route itself still exists"


async def test_only_an_admin_deactivates_and_not_their_own_account(
    api: Api, seeded: Seeded
) -> None:
    advisor = await api.sign_in("anna", PASSWORD)
    admin = await api.sign_in("root", PASSWORD)
    async with api.services.db.session() as session:
        root_id = await session.scalar(select(Advisor.id).where(Advisor.username == "root"))
    deactivate = "/api/v1/advisors/{}/deactivate".format
    assert (await api.client.post(deactivate(root_id), headers=advisor)).status_code == 403
    assert (await api.client.post(deactivate(root_id), headers=admin)).status_code == 409
    assert (await api.client.post(deactivate(9999), headers=admin)).status_code == 404
    done = await api.client.post(deactivate(seeded.advisor_id), headers=admin)
    assert done.status_code == 200 and done.json()["active"] is False
    assert (await api.client.get("/api/v1/auth/me", headers=advisor)).status_code == 401
