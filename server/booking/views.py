"""Appointments and topics in the shapes clients see (REST and the live protocol)."""

from __future__ import annotations

from live_protocol.views import (
    AdvisorAppointmentView,
    AppointmentView,
    CustomerView,
    LocalisedName,
    TopicView,
)
from server.db.models import Appointment, Topic


def topic_view(topic: Topic) -> TopicView:
    return TopicView(id=topic.id, slug=topic.slug,
                     name=LocalisedName(de=topic.name_de, en=topic.name_en))


def appointment_view(appointment: Appointment) -> AppointmentView:
    """What the customer may see."""
    return AppointmentView(
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        state=appointment.state,
        advisor_id=appointment.advisor_id,
        advisor_name=appointment.advisor.display_name,
        topic_id=appointment.topic_id,
        topic=topic_view(appointment.topic) if appointment.topic else None,
        language=appointment.language,
    )


def advisor_appointment_view(appointment: Appointment) -> AdvisorAppointmentView:
    """What the advisor sees: the customer too."""
    customer = appointment.customer
    return AdvisorAppointmentView(
        **dict(appointment_view(appointment)),
        id=appointment.id,
        customer=CustomerView(name=customer.name, email=customer.email, phone=customer.phone,
                              language=customer.language),
        booked_by_advisor_id=appointment.booked_by_advisor_id,
        created_at=appointment.created_at,
    )
