"""Advisor accounts, availability and topics (administration)."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from live_protocol.views import TopicView
from server.accounts import service as accounts
from server.api.deps import AdminDep, AdvisorDep, ServicesDep, SessionDep
from server.api.schemas import (
    SIGNED_IN_ERRORS,
    AdvisorOut,
    AvailabilityBody,
    NewAdvisorRequest,
    NewTopicRequest,
    WindowIn,
    error_responses,
)
from server.booking import catalogue
from server.booking.service import active_topics
from server.booking.slots import WeeklyWindow
from server.booking.views import topic_view
from server.db.models import Advisor
from server.live.hub import SignInsEnded

router = APIRouter(prefix="/api/v1", tags=["administration"],
                   responses=error_responses(*SIGNED_IN_ERRORS))
ADMIN_ONLY = error_responses(403)


@router.get("/advisors/me/availability", response_model=AvailabilityBody)
async def my_availability(advisor: AdvisorDep, session: SessionDep) -> AvailabilityBody:
    await session.refresh(advisor, ["availability"])
    return AvailabilityBody(
        slot_minutes=advisor.slot_minutes,
        windows=[WindowIn(weekday=w.weekday, start=w.start_time, end=w.end_time)
                 for w in advisor.availability],
    )


@router.put("/advisors/me/availability", response_model=AvailabilityBody)
async def set_my_availability(
    body: AvailabilityBody, advisor: AdvisorDep, session: SessionDep
) -> AvailabilityBody:
    windows = [WeeklyWindow(w.weekday, w.start, w.end) for w in body.windows]
    await catalogue.set_availability(session, advisor, body.slot_minutes, windows)
    await session.commit()
    return body


@router.get("/advisors", response_model=list[AdvisorOut], responses=ADMIN_ONLY)
async def list_advisors(_: AdminDep, session: SessionDep) -> list[AdvisorOut]:
    rows = await session.scalars(select(Advisor).order_by(Advisor.username))
    return [AdvisorOut.of(a) for a in rows.all()]


@router.post("/advisors", response_model=AdvisorOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses(403, 409))
async def create_advisor(
    body: NewAdvisorRequest, _: AdminDep, session: SessionDep
) -> AdvisorOut:
    advisor = await accounts.create_advisor(
        session, username=body.username, password=body.password,
        display_name=body.display_name, email=body.email, role=body.role,
        slot_minutes=body.slot_minutes,
    )
    await catalogue.assign_topics(session, advisor, body.topic_ids)
    await session.commit()
    return AdvisorOut.of(advisor)


@router.post("/advisors/{advisor_id}/deactivate", response_model=AdvisorOut)
async def deactivate_advisor(
    advisor_id: int, admin: AdminDep, session: SessionDep, services: ServicesDep
) -> AdvisorOut:
    """Disable the account and end all its sign-ins; its open consoles are disconnected."""
    advisor = await accounts.deactivate_advisor(session, advisor_id, by=admin)
    await session.commit()
    await services.hub.sign_ins_ended(
        SignInsEnded(advisor.id, accounts.EndOfSignIn.DEACTIVATED))
    return AdvisorOut.of(advisor)


@router.get("/topics", response_model=list[TopicView])
async def list_topics(_: AdvisorDep, session: SessionDep) -> list[TopicView]:
    return [topic_view(t) for t in await active_topics(session)]


@router.post("/topics", response_model=TopicView, status_code=status.HTTP_201_CREATED,
             responses=error_responses(403, 409))
async def create_topic(body: NewTopicRequest, _: AdminDep, session: SessionDep) -> TopicView:
    topic = await catalogue.create_topic(session, body.slug, body.name_de, body.name_en)
    await session.commit()
    return topic_view(topic)
