"""The customer's side of the API: no account, authorised by link tokens where needed.

Handlers that change data commit before they answer, so what a customer sent is stored
before it is acknowledged.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from live_protocol.views import TopicView
from server.api.deps import ServicesDep, SessionDep, limited
from server.api.schemas import (
    COMMON_ERRORS,
    MAX_ID,
    AppointmentResponse,
    JoinStatus,
    LegalTextOut,
    ManageResponse,
    PublicAdvisorOut,
    PublicBookingRequest,
    PublicBookingResponse,
    PublicConfig,
    RescheduleRequest,
    SlotOut,
    SlotsResponse,
    error_responses,
)
from server.booking import service as booking
from server.booking.views import appointment_view, topic_view
from server.core.errors import Conflict
from server.db.models import Appointment, TokenPurpose, utcnow
from server.legal import load_legal_text
from server.live.ratelimit import PublicLimit
from server.workflows import appointments as workflow

router = APIRouter(prefix="/api/v1/public", tags=["public"],
                   dependencies=[limited(PublicLimit.PUBLIC)],
                   responses=error_responses(*COMMON_ERRORS))
UNKNOWN_LINK = error_responses(404)
CHANGES = error_responses(404, 409, 410)


@router.get("/config", response_model=PublicConfig)
async def public_config(services: ServicesDep) -> PublicConfig:
    settings = services.settings
    return PublicConfig(
        organisation_name=settings.organisation_name,
        phone_number=settings.phone_number,
        default_language=settings.default_language,
        timezone=settings.timezone,
    )


@router.get("/topics", response_model=list[TopicView])
async def topics(session: SessionDep) -> list[TopicView]:
    return [topic_view(t) for t in await booking.active_topics(session)]


@router.get("/advisors", response_model=list[PublicAdvisorOut])
async def advisors(
    session: SessionDep, topic_id: int | None = Query(None, ge=1, le=MAX_ID)
) -> list[PublicAdvisorOut]:
    found = await booking.bookable_advisors(session, topic_id)
    return [PublicAdvisorOut(id=a.id, display_name=a.display_name) for a in found]


@router.get("/slots", response_model=SlotsResponse)
async def slots(
    session: SessionDep,
    services: ServicesDep,
    topic_id: int = Query(ge=1, le=MAX_ID),
    advisor_id: int | None = Query(None, ge=1, le=MAX_ID),
    from_: date | None = Query(None, alias="from"),
    days: int = Query(7, ge=1, le=31),
) -> SlotsResponse:
    settings = services.settings
    first_day = from_ or utcnow().astimezone(settings.zone).date()
    offered = await booking.offered_slots(
        session, settings, topic_id=topic_id, advisor_id=advisor_id, first_day=first_day,
        days=days,
    )
    return SlotsResponse(
        timezone=settings.timezone,
        slots=[
            SlotOut(starts_at=o.interval.start, ends_at=o.interval.end,
                    advisor_ids=list(o.advisor_ids))
            for o in offered
        ],
    )


@router.get("/legal/{document}", response_model=LegalTextOut, responses=UNKNOWN_LINK)
async def legal_text(
    document: str, services: ServicesDep, lang: str = Query("de", pattern="^(de|en)$")
) -> LegalTextOut:
    text = load_legal_text(document, lang, services.settings.data_dir)
    return LegalTextOut(document=text.document, language=lang, title=text.title,
                        text=text.text, sha256=text.sha256)


@router.post("/bookings", response_model=PublicBookingResponse,
             status_code=status.HTTP_201_CREATED, dependencies=[limited(PublicLimit.BOOKING)],
             responses=error_responses(409))
async def create_booking(
    body: PublicBookingRequest, session: SessionDep, services: ServicesDep
) -> PublicBookingResponse:
    settings = services.settings
    privacy = load_legal_text("privacy", body.language, settings.data_dir)
    if body.privacy_sha256 != privacy.sha256:
        raise Conflict("the privacy notes have changed; please read them again and confirm")
    booked = await workflow.book_and_confirm(
        session,
        settings,
        topic_id=body.topic_id,
        advisor_id=body.advisor_id,
        start=body.starts_at,
        customer=booking.CustomerDetails(body.name, body.email, body.phone, body.language),
        consent=booking.Consent("privacy", body.language, privacy.sha256),
    )
    await services.commit_and_send(session)
    return PublicBookingResponse(appointment=appointment_view(booked.appointment),
                                 email=body.email)


async def _managed(session: AsyncSession, token: str) -> Appointment:
    return await booking.appointment_for_token(session, token, TokenPurpose.MANAGE)


@router.get("/join/{token}", response_model=JoinStatus, responses=UNKNOWN_LINK)
async def join_status(token: str, session: SessionDep, services: ServicesDep) -> JoinStatus:
    """Whether the join link works now; the join page starts from here."""
    appointment = await booking.appointment_for_token(session, token, TokenPurpose.JOIN)
    window = booking.join_window(appointment, services.settings)
    status = booking.join_status(appointment, services.settings, utcnow())
    return JoinStatus(appointment=appointment_view(appointment), status=status,
                      opens_at=window.start, closes_at=window.end)


@router.get("/manage/{token}", response_model=ManageResponse, responses=UNKNOWN_LINK)
async def manage(token: str, session: SessionDep) -> ManageResponse:
    appointment = await _managed(session, token)
    changeable = booking.can_change(appointment, utcnow())
    return ManageResponse(appointment=appointment_view(appointment), can_cancel=changeable,
                          can_reschedule=changeable)


@router.post("/manage/{token}/cancel", response_model=AppointmentResponse,
             dependencies=[limited(PublicLimit.CHANGE)], responses=CHANGES)
async def cancel(token: str, session: SessionDep, services: ServicesDep) -> AppointmentResponse:
    appointment = await _managed(session, token)
    await workflow.cancel_and_notify(session, services.settings, appointment, actor="customer")
    await services.commit_and_send(session)
    return AppointmentResponse(appointment=appointment_view(appointment))


@router.post("/manage/{token}/reschedule", response_model=AppointmentResponse,
             dependencies=[limited(PublicLimit.CHANGE)], responses=CHANGES)
async def reschedule(
    token: str, body: RescheduleRequest, session: SessionDep, services: ServicesDep
) -> AppointmentResponse:
    appointment = await _managed(session, token)
    await workflow.reschedule_and_notify(session, services.settings, appointment,
                                         body.starts_at, actor="customer", by_advisor=False)
    await services.commit_and_send(session)
    return AppointmentResponse(appointment=appointment_view(appointment))
