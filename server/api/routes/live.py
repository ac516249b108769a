"""REST beside the live connections: messages left by customers, ICE servers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from live_protocol.views import IceServer
from server.api.deps import AdvisorDep, ServicesDep, SessionDep
from server.api.schemas import MAX_ID, SIGNED_IN_ERRORS, error_responses
from server.db.models import CustomerMessage, utcnow
from server.live import inbox
from server.live.ice import ice_servers

router = APIRouter(prefix="/api/v1", tags=["live"],
                   responses=error_responses(*SIGNED_IN_ERRORS))


class CustomerMessageOut(BaseModel):
    id: int
    customer_name: str
    callback_phone: str
    text: str
    created_at: datetime
    handled_at: datetime | None
    advisor_id: int | None
    topic_id: int | None

    @classmethod
    def of(cls, message: CustomerMessage) -> CustomerMessageOut:
        return cls(id=message.id, customer_name=message.customer_name,
                   callback_phone=message.callback_phone, text=message.text,
                   created_at=message.created_at, handled_at=message.handled_at,
                   advisor_id=message.advisor_id, topic_id=message.topic_id)


class HandledBody(BaseModel):
    handled: bool = True


@router.get("/messages", response_model=list[CustomerMessageOut])
async def list_messages(
    advisor: AdvisorDep, session: SessionDep, unhandled: bool = Query(False)
) -> list[CustomerMessageOut]:
    """Messages left for this advisor or for one of their topics, newest first."""
    found = await inbox.messages_for(session, advisor, unhandled_only=unhandled)
    return [CustomerMessageOut.of(m) for m in found]


@router.post("/messages/{message_id}/handled", response_model=CustomerMessageOut,
             responses=error_responses(404))
async def mark_handled(
    message_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    advisor: AdvisorDep,
    session: SessionDep,
    services: ServicesDep,
    body: HandledBody | None = None,
) -> CustomerMessageOut:
    message = await inbox.mark_handled(session, advisor, message_id,
                                         body.handled if body else True)
    await session.commit()
    await services.hub.messages_changed()
    return CustomerMessageOut.of(message)


@router.get("/ice-servers", response_model=list[IceServer])
async def advisor_ice_servers(advisor: AdvisorDep, services: ServicesDep) -> list[IceServer]:
    """STUN/TURN for the console, with TURN credentials valid for a few hours."""
    return ice_servers(services.settings, f"advisor-{advisor.id}", utcnow())
