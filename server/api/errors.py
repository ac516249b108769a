"""Every error leaves the API as JSON: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.core.errors import DomainError, InvalidInput, Throttled

log = logging.getLogger(__name__)


def error_response(
    status: int, code: str, message: str, fields: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or []}}
    return JSONResponse(body, status_code=status, headers=headers)


def _field_name(location: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _validation_message(error: dict[str, object]) -> str:
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {"field": _field_name(tuple(e.get("loc", ()))), "message": _validation_message(e)}
        for e in exc.errors()
    ]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return error_response(422, "invalid", f"invalid input ({summary})", fields)


async def _on_domain(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    fields = None
    if isinstance(exc, InvalidInput) and exc.field:
        fields = [{"field": exc.field, "message": exc.message}]
    headers = None
    if isinstance(exc, Throttled):
        headers = {"Retry-After": str(exc.retry_after_seconds)}
    return error_response(exc.status, exc.code, exc.message, fields, headers)


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {400: "unreadable", 404: "not_found", 405: "method_not_allowed",
             401: "not_authenticated", 403: "forbidden", 413: "too_large"}
    return error_response(exc.status_code, codes.get(exc.status_code, "http_error"),
                          str(exc.detail), headers=getattr(exc, "headers", None))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The route's template, not the path: paths carry join, manage and visit tokens.
    route = request.scope.get("route")
    log.exception("unhandled error on %s %s", request.method,
                  getattr(route, "path", "(no route)"))
    return error_response(500, "internal", "something went wrong on our side; please try again")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(DomainError, _on_domain)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
