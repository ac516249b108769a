"""The things messages carry, shared with the REST API: one shape, one name each."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from live_protocol.states import AppointmentState, ConnectionMode, Party, VisitState

Language = Literal["de", "en"]


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class LocalisedName(View):
    de: str
    en: str


class TopicView(View):
    id: int
    slug: str
    name: LocalisedName


class AppointmentView(View):
    """What a customer may see of their appointment."""

    starts_at: datetime
    ends_at: datetime
    state: AppointmentState
    advisor_id: int
    advisor_name: str
    topic_id: int | None
    topic: TopicView | None
    language: Language


class CustomerView(View):
    name: str
    email: str
    phone: str
    language: Language


class AdvisorAppointmentView(AppointmentView):
    """What the advisor sees of an appointment: the customer too."""

    id: int
    customer: CustomerView
    booked_by_advisor_id: int | None
    created_at: datetime


class VisitView(View):
    """A visit (one customer's presence from „Anmelden“ on) as both parties may see it."""

    id: int
    state: VisitState
    customer_name: str
    customer_phone: str
    language: str
    appointment_id: int | None
    appointment_start: datetime | None
    topic_id: int | None
    advisor_id: int | None
    advisor_name: str | None
    mode: ConnectionMode | None
    see_advisor: bool
    show_me: bool
    waiting_since: datetime
    consent_at: datetime | None
    disconnected: bool


class ChatLine(View):
    id: int
    visit_id: int
    sender: Party
    text: str
    client_id: str
    sent_at: datetime


class IceServer(View):
    """One ``RTCIceServer``: STUN without credentials, TURN with time-limited ones."""

    urls: list[str]
    # Browsers refuse ``username: null``: absent credentials are left out.
    username: str | None = Field(None, exclude_if=lambda value: value is None)
    credential: str | None = Field(None, exclude_if=lambda value: value is None)


class AdvisorIdentity(View):
    id: int
    display_name: str
