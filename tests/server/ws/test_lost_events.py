"""Events that never went over the bus: an instance that stored a chat line and crashed
before telling anyone. The other party gets the line when the sender comes back."""

from __future__ import annotations

from server.db.models import ChatMessage, Party
from tests.fixtures.live import Live
from tests.server.conftest import Seeded


async def test_a_line_stored_but_never_published_reaches_the_other_party_on_resume(
    live: Live, seeded: Seeded
) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    visit_id = signed_in["visit"]["id"]
    advisor, _ = await live.advisor("anna")
    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="text")
    await advisor.expect("session_started")

    # The customer's instance stores the line, then dies before publishing it.
    await customer.close()
    async with live.db.session() as session:
        session.add(ChatMessage(visit_id=visit_id, sender=Party.CUSTOMER,
                                text="Kurz vor dem Absturz", client_id="lost-1"))
        await session.commit()

    again = await live.connect("/ws/customer")
    await again.send(type="hello", protocol=1, visit_token=signed_in["visit_token"])
    welcome = await again.expect("welcome", step="visit")
    assert [line["text"] for line in welcome["chat_history"]] == ["Kurz vor dem Absturz"]
    line = (await advisor.expect("chat_message"))["line"]
    assert (line["text"], line["client_id"]) == ("Kurz vor dem Absturz", "lost-1")
    # Sent once: another reload does not send it to the advisor again.
    await again.close()
    third = await live.connect("/ws/customer")
    await third.send(type="hello", protocol=1, visit_token=signed_in["visit_token"])
    await third.expect("welcome", step="visit")
    await advisor.nothing_of("chat_message", within=0.5)
