"""Messages left by customers who did not wait, and the advisors' inbox of them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from server.core.errors import Conflict, InvalidInput, NotFound
from server.core.validation import clean_text, normalise_phone
from server.db.audit import audit
from server.db.models import (
    Advisor,
    CustomerMessage,
    Party,
    Visit,
    utcnow,
)
from server.live.visit_state import VisitEvent
from server.live.visits import assigned_to, transition


async def leave_message(
    session: AsyncSession, visit: Visit, text: str, phone: str | None, max_chars: int
) -> CustomerMessage:
    """Store the customer's message (before anyone is told) and take them out of the queue."""
    try:
        text = clean_text(text, max_chars)
    except ValueError as problem:
        raise InvalidInput(str(problem), "text") from None
    try:
        callback = normalise_phone(phone) if phone else visit.customer_phone
    except ValueError as problem:
        raise InvalidInput(str(problem), "phone") from None
    changed = await transition(session, visit.id, VisitEvent.LEAVE_MESSAGE,
                                {"ended_at": utcnow(), "ended_by": Party.CUSTOMER})
    if changed is None:
        raise Conflict("a message can be left only while waiting")
    message = CustomerMessage(
        visit_id=visit.id, advisor_id=visit.advisor_id, topic_id=visit.topic_id,
        customer_name=visit.customer_name, callback_phone=callback, text=text,
    )
    session.add(message)
    await session.flush()
    audit(session, "customer", "message.left", f"message:{message.id}", visit_id=visit.id)
    return message


def _messages_for(advisor: Advisor) -> ColumnElement[bool]:
    return assigned_to(advisor.id, CustomerMessage.advisor_id, CustomerMessage.topic_id)


async def messages_for(session: AsyncSession, advisor: Advisor, *, unhandled_only: bool
                       ) -> Sequence[CustomerMessage]:
    query = select(CustomerMessage).where(_messages_for(advisor))
    if unhandled_only:
        query = query.where(CustomerMessage.handled_at.is_(None))
    return (await session.scalars(query.order_by(CustomerMessage.id.desc()))).all()


async def unread_count(session: AsyncSession, advisor: Advisor) -> int:
    count = await session.scalar(
        select(func.count()).select_from(CustomerMessage).where(
            _messages_for(advisor), CustomerMessage.handled_at.is_(None)
        )
    )
    return int(count or 0)


async def mark_handled(session: AsyncSession, advisor: Advisor, message_id: int,
                       handled: bool) -> CustomerMessage:
    message: CustomerMessage | None = await session.scalar(select(CustomerMessage).where(
        CustomerMessage.id == message_id, _messages_for(advisor)))
    if message is None:
        raise NotFound("no such message")
    message.handled_at = utcnow() if handled else None
    message.handled_by = advisor.id if handled else None
    audit(session, f"advisor:{advisor.id}", "message.handled" if handled else "message.reopened",
          f"message:{message.id}")
    return message
