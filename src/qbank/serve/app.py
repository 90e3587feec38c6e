"""The practice server as an ASGI app (Starlette): the picker, seeded question pages, marking on the server, the
static script and style sheet; every refused request is a 4xx page, and every response carries security headers."""

from __future__ import annotations

import re
import secrets
import sys

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from qbank.serve.catalog import SEED_MAX, Catalog, Entry, Multi, VariantFailed
from qbank.serve.guard import HEADERS, MAX_BODY, RateLimit, Refused, read_form
from qbank.serve.marking import FormError, item_responses, mark, responses
from qbank.serve.pages import DIFFICULTIES, SERVE_TEMPLATES, Pages

STATIC = {"serve.js": "text/javascript; charset=utf-8", "serve.css": "text/css; charset=utf-8"}
SERVER_ERROR = "something went wrong on the server; the problem was logged"
_SEED = re.compile(r"[0-9]{1,9}")
_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


def create_app(catalog: Catalog, rate: RateLimit | None = None) -> Starlette:
    """The app serving one loaded catalog (read-only: nothing is written, nothing is taken from a request but
    answers, a question id from the catalog and a seed)."""
    pages = Pages(catalog)
    limit = rate or RateLimit()
    static = {name: (SERVE_TEMPLATES / "static" / name).read_bytes() for name in STATIC}

    def page(status: int, message: str) -> HTMLResponse:
        return HTMLResponse(pages.error(status, message), status_code=status)

    async def picker(request: Request) -> Response:
        topic = request.query_params.get("topic", "")
        difficulty = request.query_params.get("difficulty", "")
        if topic and topic not in catalog.topics():
            raise Refused(400, f"no question has the topic {topic[:40]!r}")
        if difficulty and difficulty not in DIFFICULTIES:
            raise Refused(400, f"difficulty must be one of {', '.join(DIFFICULTIES)}")
        return HTMLResponse(pages.picker(topic, difficulty))

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in static:
            raise Refused(404, "no such file")
        return Response(static[name], media_type=STATIC[name])

    async def question(request: Request) -> Response:
        entry, seed_text = _locate(catalog, request.path_params["rest"])
        if isinstance(entry, int):  # a part of a multi-part question: its whole question, same seed
            return RedirectResponse(f"/item/{entry}/{seed_text}", status_code=303)
        if seed_text == "new":
            return _new_variant(request, f"/q/{entry.id}")
        seed = _seed(seed_text)
        try:
            solved = catalog.solve(entry.id, seed, solution=request.method != "GET")
        except VariantFailed as exc:
            raise Refused(422, f"variant {seed} of {entry.id} cannot be drawn: {exc}") from None
        if request.method == "GET":
            return HTMLResponse(pages.question(entry, seed, solved))
        body = await _body(request)
        try:
            attempt = responses(solved, read_form(body, request.headers.get("content-type", "")))
            marks = mark(solved, attempt)
        except FormError as exc:
            raise Refused(400, str(exc)) from None
        next_seed = secrets.randbelow(SEED_MAX + 1)
        return HTMLResponse(pages.question(entry, seed, solved, attempt, marks, next_seed))

    async def item(request: Request) -> Response:
        multi, seed_text = _locate_item(catalog, request.path_params["rest"])
        if seed_text == "new":
            return _new_variant(request, f"/item/{multi.number}")
        seed = _seed(seed_text)
        try:
            solved = catalog.solve_item(multi.number, seed, solution=request.method != "GET")
        except VariantFailed as exc:
            raise Refused(422, f"variant {seed} of question {multi.number} cannot be drawn: {exc}") from None
        if request.method == "GET":
            return HTMLResponse(pages.item(multi, seed, solved))
        body = await _body(request, len(solved))
        try:
            fields = read_form(body, request.headers.get("content-type", ""), len(solved))
            attempts = item_responses(solved, fields)
            marks = [mark(part, attempt) for part, attempt in zip(solved, attempts, strict=True)]
        except FormError as exc:
            raise Refused(400, str(exc)) from None
        next_seed = secrets.randbelow(SEED_MAX + 1)
        return HTMLResponse(pages.item(multi, seed, solved, attempts, marks, next_seed))

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return page(exc.status, exc.message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        messages = {404: "no such page", 405: "this page does not accept that method"}
        return page(exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    class Guard(BaseHTTPMiddleware):
        """Rate limit per client, a plain 500 page for any unexpected failure (logged as one line, no traceback to
        anyone), then security headers on every response."""

        async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
            client = request.client.host if request.client else "unknown"
            if not limit.allow(client):
                response: Response = page(429, "too many requests: wait a few seconds and try again")
                response.headers["retry-after"] = "5"
            else:
                try:
                    response = await call_next(request)
                except Exception as exc:  # the catch-all: whatever failed, a plain 500
                    response = failed(request, exc)
            response.headers.update(HEADERS)
            return response

    def failed(request: Request, exc: Exception) -> Response:
        """The plain 500 page for an unexpected failure, logged as one `qbank serve:` line on stderr."""
        what = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        print(f"qbank serve: 500 on {request.method} {request.url.path[:200]}: {what}", file=sys.stderr, flush=True)
        try:
            body = pages.error(500, SERVER_ERROR)
        except Exception:  # the error page itself failed: a fixed page
            body = f"<!DOCTYPE html><title>500</title><p>{SERVER_ERROR}</p>"
        return HTMLResponse(body, status_code=500)

    routes = [
        Route("/", picker, methods=["GET"]),
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/q/{rest:path}", question, methods=["GET", "POST"]),
        Route("/item/{rest:path}", item, methods=["GET", "POST"]),
    ]
    handlers = {Refused: refused, HTTPException: http_error}
    return Starlette(routes=routes, middleware=[Middleware(Guard)], exception_handlers=handlers)  # type: ignore[arg-type]


def _locate(catalog: Catalog, rest: str) -> tuple[Entry | int, str]:
    """The offered question (or the number of the multi-part question a part belongs to) and the seed text of a
    `/q/<question id>/<seed>` path (raises Refused)."""
    question_id, _, seed_text = rest.rpartition("/")
    entry = catalog.entries.get(question_id)
    if entry is not None:
        return entry, seed_text
    if question_id in catalog.part_of and (seed_text == "new" or _SEED.fullmatch(seed_text)):
        return catalog.part_of[question_id], seed_text
    raise Refused(404, f"no question {question_id[:80]!r} in this bank")


def _locate_item(catalog: Catalog, rest: str) -> tuple[Multi, str]:
    """The multi-part question and the seed text of an `/item/<number>/<seed>` path (raises Refused)."""
    number, _, seed_text = rest.rpartition("/")
    multi = catalog.multis.get(int(number)) if _NUMBER.fullmatch(number) else None
    if multi is None:
        raise Refused(404, f"no multi-part question {number[:20]!r} in this exam")
    return multi, seed_text


def _new_variant(request: Request, path: str) -> Response:
    """A `…/new` link: a redirect to the variant at a random seed (GET only; raises Refused otherwise)."""
    if request.method != "GET":
        raise Refused(405, "open a variant before submitting answers")
    return RedirectResponse(f"{path}/{secrets.randbelow(SEED_MAX + 1)}", status_code=303)


def _seed(text: str) -> int:
    """A seed from the URL: a whole number 0..SEED_MAX (raises Refused)."""
    if not _SEED.fullmatch(text):
        raise Refused(404, f"the variant must be a whole number from 0 to {SEED_MAX}, got {text[:20]!r}")
    return int(text)


async def _body(request: Request, parts: int = 1) -> bytes:
    """The request body, refused as soon as it grows past MAX_BODY bytes (per part of a multi-part question)."""
    limit = MAX_BODY * parts
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"the form is larger than {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused(413, f"the form is larger than {limit} bytes")
    return body
