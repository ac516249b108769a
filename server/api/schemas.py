"""Request and response bodies of the REST API. Every input is validated here."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from live_protocol.views import AppointmentView, Language
from server.booking.service import JoinState
from server.core.validation import clean_name, normalise_phone
from server.db.models import Advisor, Role


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("give the time with a time zone, e.g. 2026-12-01T09:00:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("this time is out of range") from None


def _whole_minute(value: datetime) -> datetime:
    if value.second or value.microsecond:
        raise ValueError("appointments start on a whole minute")
    return value


# Keeps ids inside a 32-bit INTEGER column on every database (a larger one would be a
# database error, not a clear 422).
MAX_ID = 2_147_483_647
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Phone = Annotated[str, AfterValidator(normalise_phone)]
PersonName = Annotated[str, Field(max_length=200), AfterValidator(clean_name)]
Instant = Annotated[datetime, AfterValidator(_aware_utc), AfterValidator(_whole_minute)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=2000)


# Errors ---------------------------------------------------------------------------


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorResponse(BaseModel):
    """The body of every refused request (server/api/errors.py writes it)."""

    error: ErrorBody


_ERROR_MEANINGS = {
    400: "The request body could not be read (it is not JSON text)",
    401: "Not signed in, or the token is unknown, expired or revoked",
    403: "Signed in, but not allowed to do this",
    404: "No such thing (or not for this link)",
    409: "The state changed meanwhile, or the time is taken",
    410: "The appointment is over or cancelled",
    413: "The request body is too large",
    422: "A value was refused",
    429: "Too many attempts; try again later (see Retry-After)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The refusals an operation may answer with, for its OpenAPI ``responses``."""
    return {status: {"model": ErrorResponse, "description": _ERROR_MEANINGS[status]}
            for status in statuses}


# Every route may refuse a body (400, 413) or a value (422), and may be throttled (429).
COMMON_ERRORS = (400, 413, 422, 429)
SIGNED_IN_ERRORS = (*COMMON_ERRORS, 401)


# Accounts -------------------------------------------------------------------------


class SignInRequest(StrictModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class AdvisorOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    role: Role
    active: bool
    slot_minutes: int
    topic_ids: list[int]

    @classmethod
    def of(cls, advisor: Advisor) -> AdvisorOut:
        return cls(
            id=advisor.id,
            username=advisor.username,
            display_name=advisor.display_name,
            email=advisor.email,
            role=advisor.role,
            active=advisor.active,
            slot_minutes=advisor.slot_minutes,
            topic_ids=[t.id for t in advisor.topics],
        )


class SignInResponse(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name, not a secret
    expires_at: datetime
    advisor: AdvisorOut


class NewAdvisorRequest(StrictModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=10, max_length=1024)
    display_name: PersonName
    email: EmailStr
    role: Role = Role.ADVISOR
    slot_minutes: int = Field(30, ge=5, le=240)
    topic_ids: list[RecordId] = Field(default_factory=list, max_length=100)


# Availability -----------------------------------------------------------------------


# A local time of day, "08:00" or "08:00:00". Declared as a pattern: JSON Schema's
# "time" format is RFC 3339's, which needs an offset that a weekly window has not.
WallTime = Annotated[time, WithJsonSchema({
    "type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
    "examples": ["08:00"]})]


class WindowIn(StrictModel):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start: WallTime
    end: WallTime = Field(description="00:00 means midnight at the end of the day")

    @model_validator(mode="after")
    def _ordered(self) -> WindowIn:
        if self.end != time(0) and self.end <= self.start:
            raise ValueError("a window must end after it starts")
        if self.start.second or self.end.second:
            raise ValueError("windows start and end on whole minutes")
        return self


class AvailabilityBody(StrictModel):
    slot_minutes: int = Field(ge=5, le=240)
    windows: list[WindowIn] = Field(max_length=100)


# Topics -------------------------------------------------------------------------------


class NewTopicRequest(StrictModel):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name_de: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)


class PublicAdvisorOut(BaseModel):
    id: int
    display_name: str


class PublicConfig(BaseModel):
    organisation_name: str
    phone_number: str
    default_language: Language
    timezone: str


class SlotOut(BaseModel):
    starts_at: datetime
    ends_at: datetime
    advisor_ids: list[int]


class SlotsResponse(BaseModel):
    timezone: str
    slots: list[SlotOut]


class LegalTextOut(BaseModel):
    document: str
    language: Language
    title: str
    text: str
    sha256: str


# Appointments -------------------------------------------------------------------------


class CustomerFields(StrictModel):
    name: PersonName
    email: EmailStr = Field(max_length=254)
    phone: Phone
    language: Language = "de"

    @field_validator("email")
    @classmethod
    def _lower_domain(cls, value: str) -> str:
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"


class PublicBookingRequest(CustomerFields):
    topic_id: RecordId
    advisor_id: RecordId | None = None
    starts_at: Instant
    privacy_sha256: Sha256


class PublicBookingResponse(BaseModel):
    appointment: AppointmentView
    email: str


class AdvisorBookingRequest(CustomerFields):
    topic_id: RecordId | None = None
    advisor_id: RecordId | None = Field(None, description="default: the signed-in advisor")
    starts_at: Instant


class RescheduleRequest(StrictModel):
    starts_at: Instant


class ManageResponse(BaseModel):
    appointment: AppointmentView
    can_cancel: bool
    can_reschedule: bool


class JoinStatus(BaseModel):
    """What the join link leads to. ``status``: ``early`` (not open yet), ``open``,
    ``over`` (too late), ``cancelled``."""

    appointment: AppointmentView
    status: JoinState
    opens_at: datetime
    closes_at: datetime


class AppointmentResponse(BaseModel):
    appointment: AppointmentView


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
    version: str
