"""Figures for monitoring, in the Prometheus text exposition format (version 0.0.4).

Customers waiting, sessions and the mail queue are read from the database, so every
instance reports the same figures; connections and error counters belong to the instance
that answers. Labels carry only states, modes, parties and error codes: never a name, a
phone number, an address, a token or a record id.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.config import Settings
from server.core.counters import InstanceCounters
from server.db.models import ConnectionMode, MailState, OutgoingMail, Party, Visit, VisitState
from server.live.presence import online_advisors
from server.live.visit_state import LIVE_STATES

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PREFIX = "videoberatung_"
# Listed even before they happen, so that rate() has a series from the start.
KNOWN_WEBSOCKET_ERRORS = ("invalid_json", "invalid_message", "unknown_type", "too_large",
                          "rate_limited", "internal")
PROCESS_STARTED = time.time()

MetricKind = Literal["gauge", "counter"]


@dataclass(frozen=True)
class Sample:
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Family:
    """One metric: its name (with ``_total`` for counters), type, help and samples."""

    name: str
    kind: MetricKind
    help: str
    samples: Sequence[Sample]


@dataclass(frozen=True)
class SharedFigures:
    """What every instance reads alike from the database."""

    waiting_with_appointment: int = 0
    waiting_walk_in: int = 0
    offered: int = 0
    active: Mapping[ConnectionMode, int] = field(default_factory=dict)
    advisors_online: int = 0
    mail_pending: int = 0
    mail_retrying: int = 0
    oldest_mail_age_seconds: float = 0.0


# Reading -----------------------------------------------------------------------------


async def read_shared_figures(
    session: AsyncSession, settings: Settings, now: datetime
) -> SharedFigures:
    booked = Visit.appointment_id.is_not(None)
    visits = (await session.execute(
        select(Visit.state, Visit.mode, booked, func.count())
        .where(Visit.state.in_(LIVE_STATES))
        .group_by(Visit.state, Visit.mode, booked)
    )).all()
    waiting = {True: 0, False: 0}
    offered = 0
    active: Counter[ConnectionMode] = Counter()
    for state, mode, with_appointment, count in visits:
        if state == VisitState.WAITING:
            waiting[bool(with_appointment)] += count
        elif state == VisitState.OFFERED:
            offered += count
        elif mode is not None:
            active[mode] += count

    retrying = OutgoingMail.attempts > 0
    mails = (await session.execute(
        select(retrying, func.count(), func.min(OutgoingMail.created_at))
        .where(OutgoingMail.state == MailState.QUEUED)
        .group_by(retrying)
    )).all()
    queued = {bool(failed): count for failed, count, _ in mails}
    oldest = min((created for _, _, created in mails if created is not None), default=None)

    return SharedFigures(
        waiting_with_appointment=waiting[True],
        waiting_walk_in=waiting[False],
        offered=offered,
        active=dict(active),
        advisors_online=len(await online_advisors(session, settings, now)),
        mail_pending=queued.get(False, 0),
        mail_retrying=queued.get(True, 0),
        oldest_mail_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
    )


def _process_families() -> list[Family]:
    """The usual ``process_*`` figures, from /proc where there is one (Linux)."""
    times = os.times()
    families = [
        Family("process_cpu_seconds_total", "counter", "User and system CPU time spent.",
               [Sample(times.user + times.system)]),
        Family("process_start_time_seconds", "gauge",
               "When the process started, in seconds since the Unix epoch.",
               [Sample(PROCESS_STARTED)]),
    ]
    proc = Path("/proc/self")
    try:
        resident_pages = int((proc / "statm").read_text().split()[1])
        open_fds = sum(1 for _ in (proc / "fd").iterdir())
    except (OSError, IndexError, ValueError):
        return families
    families += [
        Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
               [Sample(resident_pages * os.sysconf("SC_PAGE_SIZE"))]),
        Family("process_open_fds", "gauge", "Number of open file descriptors.",
               [Sample(open_fds)]),
    ]
    return families


def build_families(
    shared: SharedFigures,
    connections: Mapping[Party, int],
    counters: InstanceCounters,
    version: str,
) -> list[Family]:
    """Every figure, in a stable order."""
    errors = Counter(dict.fromkeys(KNOWN_WEBSOCKET_ERRORS, 0))
    errors.update(counters.websocket_errors)
    return [
        Family(f"{PREFIX}info", "gauge", "Always 1; the version in a label.",
               [Sample(1, {"version": version})]),
        Family(f"{PREFIX}customers_waiting", "gauge",
               "Customers in the waiting room (all instances), by how they came.",
               [Sample(shared.waiting_with_appointment, {"kind": "appointment"}),
                Sample(shared.waiting_walk_in, {"kind": "walk_in"})]),
        Family(f"{PREFIX}sessions_offered", "gauge",
               "Customers an advisor accepted who have not chosen the connection yet.",
               [Sample(shared.offered)]),
        Family(f"{PREFIX}sessions_active", "gauge",
               "Conversations going on (all instances), by connection.",
               [Sample(shared.active.get(mode, 0), {"mode": mode.value})
                for mode in ConnectionMode]),
        Family(f"{PREFIX}advisors_online", "gauge",
               "Advisors with a live console connection (all instances).",
               [Sample(shared.advisors_online)]),
        Family(f"{PREFIX}websocket_connections", "gauge",
               "Open WebSocket connections on this instance, by party.",
               [Sample(connections.get(party, 0), {"party": party.value})
                for party in (Party.CUSTOMER, Party.ADVISOR)]),
        Family(f"{PREFIX}mail_queued", "gauge",
               "Mails waiting to be sent: pending (not tried yet) or retrying (backing off).",
               [Sample(shared.mail_pending, {"status": "pending"}),
                Sample(shared.mail_retrying, {"status": "retrying"})]),
        Family(f"{PREFIX}mail_oldest_queued_age_seconds", "gauge",
               "Age of the oldest mail still queued; 0 when the queue is empty.",
               [Sample(shared.oldest_mail_age_seconds)]),
        Family(f"{PREFIX}http_server_errors_total", "counter",
               "HTTP responses with a 5xx status sent by this instance.",
               [Sample(counters.http_server_errors)]),
        Family(f"{PREFIX}websocket_errors_total", "counter",
               "Error messages sent to WebSocket clients by this instance, by code.",
               [Sample(count, {"code": code}) for code, count in sorted(errors.items())]),
        *_process_families(),
    ]


# Writing -----------------------------------------------------------------------------


def _label_value(value: str) -> str:
    return value.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def render(families: Iterable[Family]) -> str:
    """The text exposition format: ``# HELP``, ``# TYPE``, then one line per sample."""
    lines: list[str] = []
    for family in families:
        help_text = family.help.replace("\\", r"\\").replace("\n", r"\n")
        lines += [f"# HELP {family.name} {help_text}", f"# TYPE {family.name} {family.kind}"]
        for sample in family.samples:
            labels = ",".join(f'{key}="{_label_value(value)}"'
                              for key, value in sample.labels.items())
            name = f"{family.name}{{{labels}}}" if labels else family.name
            lines.append(f"{name} {_number(sample.value)}")
    return "\n".join(lines) + "\n"
