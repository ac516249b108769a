"""Advisor sign-in: argon2id, hashed bearer tokens, expiry, sign-out, throttling, roles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

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
    spec = (await api.client.get("/openapi.json")).json()
    checked = 0
    for path, operations in spec["paths"].items():
        if path in PUBLIC_PATHS or path.startswith("/api/v1/public/") or path.endswith(
            "/sign-in"
        ):
            continue
        concrete = path.replace("{appointment_id}", "1")
        for method in operations:
            response = await api.client.request(method.upper(), concrete, json={})
            assert response.status_code == 401, (method, path, response.text)
            checked += 1
    assert checked >= 10


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
