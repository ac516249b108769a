"""``videoberatung-server``: serve, migrate, add-advisor, deactivate-advisor, add-topic,
set-availability, book, purge, demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from server.accounts import service as accounts
from server.booking import catalogue, service as booking
from server.booking.slots import WeeklyWindow
from server.core import security
from server.core.config import Settings, load_settings_or_exit
from server.core.errors import DomainError
from server.core.logs import configure_logging
from server.core.validation import clean_name, normalise_phone
from server.db import migrate
from server.db.models import Advisor, Role, Topic, utcnow
from server.db.session import Database
from server.live.bus import bus_from_url
from server.live.hub import SignInsEnded, announce_sign_ins_ended
from server.operations.retention import run_retention
from server.workflows import appointments as workflow

log = logging.getLogger("videoberatung")

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
WINDOW_PATTERN = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$"
)


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


# Parsing helpers (pure) -------------------------------------------------------------


def parse_windows(specs: Sequence[str]) -> list[WeeklyWindow]:
    """``["mon-fri 09:00-17:00", "sat 10:00-13:00"]`` → weekly windows."""
    windows: list[WeeklyWindow] = []
    for spec in specs:
        match = WINDOW_PATTERN.match(spec.strip().lower())
        if not match or match["first"] not in WEEKDAYS or (
            match["last"] and match["last"] not in WEEKDAYS
        ):
            raise UsageError(f"bad window {spec!r}: use e.g. 'mon-fri 09:00-17:00'")
        first = WEEKDAYS[match["first"]]
        last = WEEKDAYS[match["last"]] if match["last"] else first
        try:
            start = time.fromisoformat(match["start"])
            end = time(0) if match["end"] == "24:00" else time.fromisoformat(match["end"])
            windows += [WeeklyWindow(day, start, end) for day in range(first, last + 1)]
        except ValueError as error:
            raise UsageError(f"bad window {spec!r}: {error}") from None
    return windows


def parse_local_start(text: str, settings: Settings) -> datetime:
    """``2026-12-01 10:00`` in the configured time zone (or with an explicit offset)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"bad start {text!r}: use e.g. '2026-12-01 10:00'") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=settings.zone)
    return value


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            raise UsageError("the passwords differ")
    problem = security.password_problem(password)
    if problem:
        raise UsageError(problem)
    return password


# Commands --------------------------------------------------------------------------


async def _with_db(settings: Settings, work: Callable[[Database], Awaitable[Any]]) -> Any:
    db = Database(settings.resolved_database_url)
    try:
        return await work(db)
    finally:
        await db.dispose()


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> None:
    migrate.upgrade(settings.resolved_database_url)
    print("database is up to date")


def cmd_add_advisor(settings: Settings, args: argparse.Namespace) -> None:
    password = read_password(args.password_stdin)

    async def work(db: Database) -> Advisor:
        async with db.session() as session:
            advisor = await accounts.create_advisor(
                session, username=args.username, password=password,
                display_name=clean_name(args.name), email=args.email,
                role=Role(args.role), slot_minutes=args.slot_minutes,
            )
            if args.topics:
                slugs = [s.strip() for s in args.topics.split(",") if s.strip()]
                ids = (await session.scalars(select(Topic.id).where(Topic.slug.in_(slugs)))).all()
                if len(ids) != len(slugs):
                    raise UsageError(f"unknown topic among {', '.join(slugs)}")
                await catalogue.assign_topics(session, advisor, list(ids))
            return advisor

    advisor = asyncio.run(_with_db(settings, work))
    print(f"advisor {advisor.username!r} created ({advisor.role.value})")


def cmd_deactivate_advisor(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        advisor = await _advisor_named(db, args.username)
        async with db.session() as session:
            await accounts.deactivate_advisor(session, advisor.id, by=None)
        bus = bus_from_url(settings.redis_url)
        try:
            await announce_sign_ins_ended(
                bus, SignInsEnded(advisor.id, accounts.EndOfSignIn.DEACTIVATED))
        finally:
            await bus.close()

    asyncio.run(_with_db(settings, work))
    # Without Redis this process cannot reach the server's; the server checks the sign-in
    # at each message and heartbeat of an open console.
    print(f"advisor {args.username!r} deactivated and signed out everywhere; "
          "open consoles are disconnected"
          + ("" if settings.redis_url else f" within {settings.heartbeat_seconds:g} s"))


def cmd_add_topic(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> Topic:
        async with db.session() as session:
            return await catalogue.create_topic(session, args.slug, args.de, args.en)

    topic = asyncio.run(_with_db(settings, work))
    print(f"topic {topic.slug!r} created")


async def _advisor_named(db: Database, username: str) -> Advisor:
    async with db.session() as session:
        advisor = await session.scalar(
            select(Advisor).where(Advisor.username == username.strip().lower())
        )
    if advisor is None:
        raise UsageError(f"no advisor {username!r}")
    return advisor


def cmd_set_availability(settings: Settings, args: argparse.Namespace) -> None:
    windows = parse_windows(args.window)

    async def work(db: Database) -> None:
        advisor = await _advisor_named(db, args.username)
        async with db.session() as session:
            advisor = await session.merge(advisor)
            await catalogue.set_availability(session, advisor, args.slot_minutes, windows)

    asyncio.run(_with_db(settings, work))
    print(f"availability of {args.username!r} set: {len(windows)} weekly window(s)")


def cmd_book(settings: Settings, args: argparse.Namespace) -> None:
    start = parse_local_start(args.start, settings)
    try:
        customer = booking.CustomerDetails(
            clean_name(args.name), args.email, normalise_phone(args.phone), args.language
        )
    except ValueError as error:
        raise UsageError(str(error)) from None

    async def work(db: Database) -> str:
        advisor = await _advisor_named(db, args.advisor)
        async with db.session() as session:
            topic_id = None
            if args.topic:
                topic_id = await session.scalar(select(Topic.id).where(Topic.slug == args.topic))
                if topic_id is None:
                    raise UsageError(f"no topic {args.topic!r}")
            booked = await workflow.book_and_confirm(
                session, settings, topic_id=topic_id, advisor_id=advisor.id, start=start,
                customer=customer, consent=None, booked_by=await session.merge(advisor),
            )
            return settings.join_link(booked.join_token)

    link = asyncio.run(_with_db(settings, work))
    print(f"booked; the confirmation is queued. Join link: {link}")


def cmd_purge(settings: Settings, args: argparse.Namespace) -> None:
    days = settings.retention_days if args.days is None else args.days
    if days < 1:
        raise UsageError("--days must be at least 1" if args.days is not None else
                         "retention is switched off (VB_RETENTION_DAYS=0); give --days N")
    report = asyncio.run(_with_db(settings, lambda db: run_retention(
        db, settings, days=days, dry_run=args.dry_run)))
    cutoff = report.cutoff.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M %Z")
    verb = "would erase" if args.dry_run else "erased"
    print(f"{verb} the personal data of what was over before {cutoff} ({days} days):")
    for name, count in report.counts().items():
        print(f"  {name.replace('_', ' ')}: {count}")
    if args.dry_run:
        print("dry run: nothing was changed")


def _serve(settings: Settings, run_migrations: bool) -> None:
    import uvicorn

    from server.api.app import create_app

    if run_migrations:
        migrate.upgrade(settings.resolved_database_url)
    log.info("serving on http://%s:%s (public URL %s)", settings.host, settings.port,
             settings.resolved_public_url)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, proxy_headers=True, ws_max_size=64 * 1024)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    _serve(settings, run_migrations=not args.no_migrate)


DEMO_ADVISOR = "berater"


async def seed_demo(settings: Settings, db: Database, password: str) -> str:
    """Demo data: two topics, an advisor available every day 08:00–20:00, and an
    appointment starting now. Returns the join link of that appointment."""
    async with db.session() as session:
        topics = [
            await catalogue.create_topic(session, "baufinanzierung", "Baufinanzierung",
                                         "Home financing"),
            await catalogue.create_topic(session, "geldanlage", "Geldanlage", "Investments"),
        ]
        advisor = await accounts.create_advisor(
            session, username=DEMO_ADVISOR, password=password, display_name="Anna Berater",
            email="anna.berater@example.com", role=Role.ADMIN, slot_minutes=30,
        )
        await catalogue.assign_topics(session, advisor, [t.id for t in topics])
        await catalogue.set_availability(
            session, advisor, 30, [WeeklyWindow(d, time(8), time(20)) for d in range(7)]
        )
        booked = await workflow.book_and_confirm(
            session, settings, topic_id=topics[0].id, advisor_id=advisor.id,
            start=utcnow().replace(second=0, microsecond=0),
            customer=booking.CustomerDetails("Erika Mustermann", "erika@example.com",
                                             "+49301234567", "de"),
            consent=None, booked_by=advisor,
        )
        return settings.join_link(booked.join_token)


def _fresh_data_dir(data_dir: Path) -> None:
    for name in ("videoberatung.db", "videoberatung.db-wal", "videoberatung.db-shm"):
        (data_dir / name).unlink(missing_ok=True)
    shutil.rmtree(data_dir / "outbox", ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)


def cmd_demo(settings: Settings, _: argparse.Namespace) -> None:
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        raise UsageError("the demo always uses a fresh SQLite database; unset VB_DATABASE_URL")
    _fresh_data_dir(settings.data_dir)
    migrate.upgrade(settings.resolved_database_url)
    password = security.new_token(12)
    join_link = asyncio.run(_with_db(settings, lambda db: seed_demo(settings, db, password)))
    credentials = settings.data_dir / "demo-advisor.json"
    credentials.write_text(json.dumps({
        "server": settings.resolved_public_url, "username": DEMO_ADVISOR, "password": password,
    }))
    credentials.chmod(0o600)
    print(
        "\n".join([
            "",
            "Videoberatung demo",
            f"  Booking page:      {settings.resolved_public_url}/book",
            f"  Advisor sign-in:   user {DEMO_ADVISOR!r}, password {password!r}",
            f"                     (also in {credentials})",
            f"  Appointment now:   {join_link}",
            f"  Mails are written to {settings.outbox_dir}/",
            "",
        ]),
        flush=True,
    )
    _serve(settings, run_migrations=False)


# Wiring ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="videoberatung-server",
        description="Videoberatung server. Configuration comes from VB_* environment "
        "variables (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_location(p: argparse.ArgumentParser, listen: bool) -> argparse.ArgumentParser:
        p.add_argument("--data-dir", type=Path, help="folder for data (default ./var)")
        if listen:
            p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
            p.add_argument("--port", type=int, help="port (default 8080)")
        return p

    serve = with_location(sub.add_parser("serve", help="run the server"), listen=True)
    serve.add_argument("--no-migrate", action="store_true",
                       help="don't apply migrations at start (several instances)")
    serve.set_defaults(handler=cmd_serve)
    with_location(sub.add_parser("demo", help="fresh demo data, then serve"), listen=True
                  ).set_defaults(handler=cmd_demo)
    with_location(sub.add_parser("migrate", help="apply database migrations"), listen=False
                  ).set_defaults(handler=cmd_migrate)

    add = with_location(sub.add_parser("add-advisor", help="create an advisor account"), False)
    add.add_argument("--username", required=True)
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--email", required=True)
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.ADVISOR.value)
    add.add_argument("--slot-minutes", type=int, default=30)
    add.add_argument("--topics", help="comma-separated topic slugs")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.set_defaults(handler=cmd_add_advisor)

    deactivate = with_location(sub.add_parser(
        "deactivate-advisor", help="disable an account and end its sign-ins"), False)
    deactivate.add_argument("username")
    deactivate.set_defaults(handler=cmd_deactivate_advisor)

    topic = with_location(sub.add_parser("add-topic", help="create a topic"), False)
    topic.add_argument("--slug", required=True)
    topic.add_argument("--de", required=True, help="German name")
    topic.add_argument("--en", required=True, help="English name")
    topic.set_defaults(handler=cmd_add_topic)

    avail = with_location(sub.add_parser("set-availability", help="weekly availability"), False)
    avail.add_argument("--username", required=True)
    avail.add_argument("--window", action="append", required=True,
                       help="e.g. 'mon-fri 09:00-17:00' (repeat for more)")
    avail.add_argument("--slot-minutes", type=int, default=30)
    avail.set_defaults(handler=cmd_set_availability)

    book = with_location(sub.add_parser("book", help="book an appointment for a customer"), False)
    book.add_argument("--advisor", required=True, help="advisor user name")
    book.add_argument("--start", required=True, help="local start, e.g. '2026-12-01 10:00'")
    book.add_argument("--name", required=True)
    book.add_argument("--email", required=True)
    book.add_argument("--phone", required=True)
    book.add_argument("--topic", help="topic slug")
    book.add_argument("--language", choices=["de", "en"], default="de")
    book.set_defaults(handler=cmd_book)

    purge = with_location(sub.add_parser(
        "purge", help="erase customers' personal data after the retention period"), False)
    purge.add_argument("--days", type=int,
                       help="erase what was over this many days ago (default VB_RETENTION_DAYS)")
    purge.add_argument("--dry-run", action="store_true", help="only count, change nothing")
    purge.set_defaults(handler=cmd_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides = {key: getattr(args, key) for key in ("data_dir", "host", "port")
                 if getattr(args, key, None) is not None}
    settings = load_settings_or_exit(**overrides)
    configure_logging(json_lines=settings.log_json)
    security.configure_password_hashing_from(settings)
    os.umask(0o077)  # the database and the outbox hold personal data
    try:
        args.handler(settings, args)
    except (UsageError, DomainError) as error:
        print(f"videoberatung-server: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
