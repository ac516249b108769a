"""The database tables. One schema for SQLite and PostgreSQL; Alembic migrations mirror it.

All timestamps are stored in UTC (timezone-aware on PostgreSQL, naive-UTC on SQLite:
:class:`UtcDateTime` hides the difference).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Time,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Re-exported: most code knows the states as part of the models.
from live_protocol.states import (
    AppointmentState as AppointmentState,
    ConnectionMode as ConnectionMode,
    Party as Party,
    VisitState as VisitState,
)
from server.core.states import (
    MailState as MailState,
    Role as Role,
    TokenPurpose as TokenPurpose,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: portable and readable in SQL.
    return Enum(cls, name=name, native_enum=False, length=20,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True, create_constraint=True)


class Advisor(Base):
    __tablename__ = "advisors"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.ADVISOR)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    availability: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="advisor", cascade="all, delete-orphan", order_by="AvailabilityWindow.id"
    )
    topics: Mapped[list[Topic]] = relationship(secondary="advisor_topics", lazy="selectin")


class AvailabilityWindow(Base):
    """A weekly recurring window of local wall-clock time (in the configured time zone)."""

    __tablename__ = "availability_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id", ondelete="CASCADE"),
                                            index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    advisor: Mapped[Advisor] = relationship(back_populates="availability")


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AdvisorTopic(Base):
    __tablename__ = "advisor_topics"

    advisor_id: Mapped[int] = mapped_column(
        ForeignKey("advisors.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )


class AuthToken(Base):
    """An advisor's sign-in. Only the SHA-256 of the bearer token is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id", ondelete="CASCADE"),
                                            index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    advisor: Mapped[Advisor] = relationship(lazy="joined")


class SignInFailure(Base):
    """A failed sign-in, for throttling (shared by every server instance).

    Written before the password is checked and deleted when it succeeds, so attempts
    running at the same time count each other (see :func:`server.accounts.service.sign_in`).
    """

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)  # the client's IP address
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(32))  # E.164
    language: Mapped[str] = mapped_column(String(2), default="de")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        # The database itself refuses a second live booking of an advisor's slot,
        # whatever races the application loses.
        Index(
            "uq_appointments_live_slot",
            "advisor_id",
            "starts_at",
            unique=True,
            sqlite_where=text("state != 'cancelled'"),
            postgresql_where=text("state != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the current time was agreed (booking or last reschedule): decides reminders.
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    state: Mapped[AppointmentState] = mapped_column(
        _enum(AppointmentState, "appointment_state"), default=AppointmentState.BOOKED
    )
    language: Mapped[str] = mapped_column(String(2), default="de")
    ics_uid: Mapped[str] = mapped_column(String(120), unique=True)
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    booked_by_advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminder_24h_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminder_1h_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    advisor: Mapped[Advisor] = relationship(foreign_keys=[advisor_id], lazy="joined")
    topic: Mapped[Topic | None] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")


class AccessToken(Base):
    """A customer's link token (join or manage). Only its SHA-256 is stored.

    An appointment may have several: every mail that carries a link gets a fresh one,
    since the plain token is never kept.
    """

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    appointment: Mapped[Appointment] = relationship(lazy="joined")


class ConsentRecord(Base):
    """What a customer agreed to: which text (its SHA-256) and when."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a walk-in, who is known only by the visit's name and phone.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    document: Mapped[str] = mapped_column(String(32))  # e.g. "privacy", "terms"
    language: Mapped[str] = mapped_column(String(2))
    text_sha256: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditEntry(Base):
    """Who did what to which record. No personal data in ``details``."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "advisor:3", "customer", "system"
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))  # "appointment:12"
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutgoingMail(Base):
    """The mail queue. A mail leaves the queue only once a transport accepted it."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (UniqueConstraint("dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))  # confirmation, cancellation, reminder_24h…
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    recipient: Mapped[str] = mapped_column(String(254))
    message: Mapped[bytes | None] = mapped_column(LargeBinary)  # RFC 5322 bytes; cleared once sent
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[MailState] = mapped_column(_enum(MailState, "mail_state"),
                                             default=MailState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Visit(Base):
    """One customer's presence, from „Anmelden“ to the end (its states:
    :mod:`server.live.visit_state`)."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_live", "state", "advisor_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the browser's resume key
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    # The appointment's advisor from the start; for walk-ins the one who accepted.
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id"))
    customer_name: Mapped[str] = mapped_column(String(120))
    customer_phone: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="de")
    state: Mapped[VisitState] = mapped_column(_enum(VisitState, "visit_state"),
                                              default=VisitState.WAITING)
    mode: Mapped[ConnectionMode | None] = mapped_column(_enum(ConnectionMode, "connection_mode"))
    see_advisor: Mapped[bool] = mapped_column(Boolean, default=False)
    show_me: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by: Mapped[Party | None] = mapped_column(_enum(Party, "party"))
    # Set while the customer has no live connection; the visit is abandoned after the
    # grace period unless they come back.
    disconnected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The server instance holding the customer's connection: if that instance dies, the
    # others notice (its heartbeat stops) and start the grace period for its customers.
    instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    rating: Mapped[int | None] = mapped_column(Integer)

    appointment: Mapped[Appointment | None] = relationship(lazy="joined")
    advisor: Mapped[Advisor | None] = relationship(lazy="joined")


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("visit_id", "sender", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    sender: Mapped[Party] = mapped_column(_enum(Party, "party"))
    text: Mapped[str] = mapped_column(String(4000))
    # The sender's own id for the line, so a resend after a reconnect is not stored twice.
    client_id: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CustomerMessage(Base):
    """A message left by a customer who did not want to wait."""

    __tablename__ = "customer_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), unique=True)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    customer_name: Mapped[str] = mapped_column(String(120))
    callback_phone: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("advisors.id"))


class LiveConnection(Base):
    """An advisor's open console connection; an advisor is online while one is fresh.

    Rows of a crashed instance simply go stale (``last_seen_at``)."""

    __tablename__ = "live_connections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id", ondelete="CASCADE"),
                                            index=True)
    connected_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ServerInstance(Base):
    """A running server instance and its heartbeat."""

    __tablename__ = "server_instances"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
