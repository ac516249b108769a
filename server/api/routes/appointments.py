"""Appointments as advisors see and manage them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from live_protocol.views import AdvisorAppointmentView
from server.api.deps import AdvisorDep, ServicesDep, SessionDep
from server.api.schemas import (
    MAX_ID,
    SIGNED_IN_ERRORS,
    AdvisorBookingRequest,
    RescheduleRequest,
    error_responses,
)
from server.booking import service as booking
from server.booking.views import advisor_appointment_view
from server.core.errors import Forbidden, InvalidInput, NotFound
from server.db.models import Advisor, Appointment, Role, utcnow
from server.workflows import appointments as workflow

# 403: another advisor's appointment (administrators may act for everyone).
router = APIRouter(prefix="/api/v1/appointments", tags=["appointments"],
                   responses=error_responses(*SIGNED_IN_ERRORS, 403))
CHANGES = error_responses(404, 409, 410)
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(9000, 1, 1)
AppointmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _may_act_for(advisor: Advisor, advisor_id: int) -> None:
    if advisor.id != advisor_id and advisor.role != Role.ADMIN:
        raise Forbidden("you can only manage your own appointments")


async def _own(session: SessionDep, advisor: Advisor, appointment_id: int) -> Appointment:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("no such appointment")
    _may_act_for(advisor, appointment.advisor_id)
    return appointment


@router.get("", response_model=list[AdvisorAppointmentView])
async def list_appointments(
    advisor: AdvisorDep,
    session: SessionDep,
    services: ServicesDep,
    start: date | None = Query(None, description="first day (local); default today"),
    days: int = Query(14, ge=1, le=366),
    advisor_id: int | None = Query(None, ge=1, le=MAX_ID, description="admins: another advisor"),
) -> list[AdvisorAppointmentView]:
    """Today's and upcoming appointments of the signed-in advisor, in every state."""
    zone = services.settings.zone
    whose = advisor_id or advisor.id
    _may_act_for(advisor, whose)
    first = start or utcnow().astimezone(zone).date()
    if not EARLIEST_DAY <= first <= LATEST_DAY:
        raise InvalidInput("the start day is out of range", "start")
    return [advisor_appointment_view(a)
            for a in await booking.appointments_of(session, [whose], first, days, zone)]


@router.post("", response_model=AdvisorAppointmentView, status_code=status.HTTP_201_CREATED,
             responses=error_responses(409))
async def book_for_customer(
    body: AdvisorBookingRequest, advisor: AdvisorDep, session: SessionDep, services: ServicesDep
) -> AdvisorAppointmentView:
    """Book an appointment for a customer (e.g. on the phone); sends the confirmation."""
    advisor_id = body.advisor_id or advisor.id
    _may_act_for(advisor, advisor_id)
    booked = await workflow.book_and_confirm(
        session,
        services.settings,
        topic_id=body.topic_id,
        advisor_id=advisor_id,
        start=body.starts_at,
        customer=booking.CustomerDetails(body.name, body.email, body.phone, body.language),
        consent=None,
        booked_by=advisor,
    )
    await services.commit_and_send(session)
    return advisor_appointment_view(booked.appointment)


@router.get("/{appointment_id}", response_model=AdvisorAppointmentView,
            responses=error_responses(404))
async def get_appointment(
    appointment_id: AppointmentId, advisor: AdvisorDep, session: SessionDep
) -> AdvisorAppointmentView:
    return advisor_appointment_view(await _own(session, advisor, appointment_id))


@router.post("/{appointment_id}/cancel", response_model=AdvisorAppointmentView,
             responses=CHANGES)
async def cancel_appointment(
    appointment_id: AppointmentId, advisor: AdvisorDep, session: SessionDep, services: ServicesDep
) -> AdvisorAppointmentView:
    appointment = await _own(session, advisor, appointment_id)
    await workflow.cancel_and_notify(session, services.settings, appointment,
                                     actor=f"advisor:{advisor.id}")
    await services.commit_and_send(session)
    return advisor_appointment_view(appointment)


@router.post("/{appointment_id}/reschedule", response_model=AdvisorAppointmentView,
             responses=CHANGES)
async def reschedule_appointment(
    appointment_id: AppointmentId,
    body: RescheduleRequest,
    advisor: AdvisorDep,
    session: SessionDep,
    services: ServicesDep,
) -> AdvisorAppointmentView:
    appointment = await _own(session, advisor, appointment_id)
    await workflow.reschedule_and_notify(session, services.settings, appointment,
                                         body.starts_at, actor=f"advisor:{advisor.id}",
                                         by_advisor=True)
    await services.commit_and_send(session)
    return advisor_appointment_view(appointment)
