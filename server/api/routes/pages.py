"""The customer pages: static HTML from customer_web/, served under a strict CSP."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from server.api.deps import limited
from server.core.errors import NotFound
from server.core.paths import CUSTOMER_WEB_DIR
from server.legal import DOCUMENTS
from server.live.ratelimit import PublicLimit

router = APIRouter(include_in_schema=False, dependencies=[limited(PublicLimit.PUBLIC)])


def _page(folder: str) -> FileResponse:
    path: Path = CUSTOMER_WEB_DIR / folder / "index.html"
    if not path.is_file():
        raise NotFound("this page does not exist")
    return FileResponse(path, media_type="text/html; charset=utf-8")


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/book", status_code=307)


@router.get("/book")
async def book_page() -> FileResponse:
    return _page("book")


@router.get("/manage/{token}")
async def manage_page(token: str) -> FileResponse:
    return _page("manage")


@router.get("/join/{token}")
async def join_page(token: str) -> FileResponse:
    return _page("join")


@router.get("/legal/{document}")
async def legal_page(document: str) -> FileResponse:
    if document not in DOCUMENTS:
        raise NotFound("this page does not exist")
    return _page("legal")
