"""The local web app: ``create_app(library)`` -> a FastAPI app that only reads the library.

A thin shell: each route parses its input, makes one or two library calls (``search``,
``get``, ``similar``, ``duplicates``) and renders a Jinja2 template (autoescape on) from the
view models in ``views``/``reader``/``charts``. Safety invariants:

- the app never writes: no route changes the library or touches the file system, and the
  only files served are the package's own ``static/`` directory (Starlette's ``StaticFiles``
  refuses paths that leave it);
- work ids are integers in the route itself (``{work_id:int}``), so no user string reaches a
  path or a SQL statement through a route parameter;
- story text is escaped and creator HTML is sanitised (``sanitize``); every response also
  carries a Content-Security-Policy with no inline script or style, so even markup that got
  through could not run;
- every error, including an unexpected one, is a friendly HTML page with the right status
  code (404 unknown work or page, 400 bad query or parameter, 500 otherwise), never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..errors import FiclensError, UsageError, WorkNotFound
from . import charts, reader, views
from .sanitize import safe_url, user_text

log = logging.getLogger("ficlens.web")

STATIC_DIR = Path(__file__).resolve().parent / "static"
PER_PAGE = 20
MAX_ID = 2**63 - 1
# no inline script or style anywhere in our pages: the SVG charts style themselves by class
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _sorts() -> tuple[str, ...]:
    try:
        from ..library.query import SORTS

        return tuple(SORTS)
    except ImportError:  # the library layer is optional for rendering tests
        return tuple(views.SORT_LABELS)


def make_templates() -> Environment:
    env = Environment(
        loader=PackageLoader("ficlens.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["user_text"] = user_text
    env.filters["safe_url"] = safe_url
    env.filters["pct"] = lambda x: f"{100 * float(x or 0):.0f}%"
    env.filters["num"] = lambda x: f"{int(x or 0):,}"
    return env


class WebApp:
    """The routes' shared state: the library and the template environment."""

    def __init__(self, library: Any):
        self.library = library
        self.env = make_templates()
        self.sorts = _sorts()

    def page(self, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(sort_labels=views.SORT_LABELS, **ctx)
        # set here as well as in the middleware: pages for unexpected errors bypass middleware
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def work_or_404(self, work_id: int) -> dict[str, Any]:
        # ids are SQLite integers: a larger number cannot name a work (and would not bind)
        obj = self.library.get(work_id) if 0 < work_id <= MAX_ID else None
        if not obj:
            raise WorkNotFound(f"there is no work {work_id} in this library")
        obj = views.as_dict(obj)
        obj.setdefault("id", work_id)
        return obj


def _title(obj: dict[str, Any]) -> str:
    return (obj.get("metadata") or {}).get("title") or obj.get("title") or "Untitled"


def library_page(app: WebApp, request: Request, q: str, inc: list[str], exc: list[str], sort: str | None,
                 page: int, words_from: str, words_to: str, complete: str) -> HTMLResponse:
    if sort and sort not in app.sorts:
        raise UsageError(f"unknown sort {sort!r}; choose one of {', '.join(app.sorts)}")
    extra = []
    if words_from.strip() or words_to.strip():
        lo, hi = words_from.strip().replace(",", ""), words_to.strip().replace(",", "")
        if not all(x.isdigit() for x in (lo, hi) if x):
            raise UsageError("word counts must be whole numbers")
        extra.append(f"words:{lo}-{hi}" if lo and hi else f"words:>{int(lo) - 1}" if lo else f"words:<{int(hi) + 1}")
    if complete in ("yes", "no"):
        extra.append(f"complete:{complete}")
    # control characters mean nothing in a query and upset SQLite's FTS5 parser (NUL ends a string)
    q, inc, exc = views.strip_controls(q), [views.strip_controls(t) for t in inc], [views.strip_controls(t) for t in exc]
    query = views.build_query(" ".join([q, *extra]), inc, exc)
    kwargs: dict[str, Any] = {"page": page, "per_page": PER_PAGE, "with_facets": True}
    if sort:
        kwargs["sort"] = sort
    result = app.library.search(query, **kwargs)
    total = int(getattr(result, "total", 0))
    groups = views.facet_groups(getattr(result, "facets", None) or {}, inc, exc)
    shown = {views.term_key(v["term"]) for g in groups for v in g["values"]}
    params = {"q": q, "inc": inc, "exc": exc, "sort": sort, "words_from": words_from, "words_to": words_to, "complete": complete}
    return app.page(
        "library.html",
        q=q,
        query=query,
        sort=sort or "",
        sorts=app.sorts,
        words_from=words_from,
        words_to=words_to,
        complete=complete,
        blurbs=[views.blurb(h) for h in getattr(result, "hits", [])],
        total=total,
        first=(page - 1) * PER_PAGE + 1,
        groups=groups,
        empty_library=total == 0 and not query,
        other_active=[("inc", t) for t in inc if views.term_key(t) not in shown]
        + [("exc", t) for t in exc if views.term_key(t) not in shown],
        pages=views.page_links(page, total, PER_PAGE, params),
    )


def work_page(app: WebApp, work_id: int) -> HTMLResponse:
    obj = app.work_or_404(work_id)
    similar = [views.blurb(h) for h in (app.library.similar(work_id, n=10) or [])]
    before, after = reader.outside_notes(obj)
    # the summary is shown on its own above the notes
    notes = [n for n in before + after if not (n.kind == "summary" and (obj.get("metadata") or {}).get("summary"))]
    return app.page(
        "work.html",
        work=obj,
        work_id=work_id,
        title=_title(obj),
        meta=obj.get("metadata") or {},
        summary=(obj.get("metadata") or {}).get("summary"),
        generated_summary=obj.get("summary"),
        notes=notes,
        blurb=views.blurb({**_blurb_fields(obj), "id": work_id}),
        tag_blocks=views.tag_blocks(obj),
        characters=views.character_rows(obj),
        quotes=views.quote_rows(obj),
        quote_total=len(obj.get("quotes") or []),
        network=charts.network_svg(obj),
        arc=charts.arc_svg(obj.get("arc"), views.chapter_marks(obj)),
        arc_info=obj.get("arc") or {},
        pov=obj.get("pov") or {},
        similar=[s for s in similar if s["id"] != work_id],
        classes=reader.speaker_classes(obj),
    )


def _blurb_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """The flat fields a blurb shows, from a stored contract object (declared first)."""
    meta = obj.get("metadata") or {}
    stats = obj.get("stats") or {}
    tags = obj.get("tags") or {}
    words = stats.get("words") or meta.get("words")
    return {
        "title": _title(obj),
        "authors": meta.get("authors") or obj.get("authors"),
        "rating": meta.get("rating") or (tags.get("rating") or {}).get("value"),
        "warnings": meta.get("warnings"),
        "categories": meta.get("categories"),
        "fandoms": meta.get("fandoms"),
        "language": meta.get("language"),
        "published": meta.get("published"),
        "updated": meta.get("updated"),
        "complete": meta.get("complete"),
        "words": words,
        "chapters": meta.get("chapters") or stats.get("chapters") or len(obj.get("chapters") or []) or 1,
        "dialogue": round(100 * stats["dialogue_words"] / words, 1) if words and stats.get("dialogue_words") is not None else None,
        "pov": (obj.get("pov") or {}).get("person"),
        "tense": (obj.get("pov") or {}).get("tense"),
        "ending": (obj.get("arc") or {}).get("ending"),
    }


def reader_page(app: WebApp, work_id: int, chapter: str) -> HTMLResponse:
    obj = app.work_or_404(work_id)
    spans = reader.chapter_spans(obj)
    if chapter == "all":
        number = None
    elif chapter.isdigit() and 1 <= int(chapter) <= len(spans):
        number = int(chapter)
    else:
        raise StarletteHTTPException(404, f"this work has no chapter {chapter!r} (it has {len(spans)})")
    before, after = reader.outside_notes(obj)
    return app.page(
        "reader.html",
        work_id=work_id,
        title=_title(obj),
        meta=obj.get("metadata") or {},
        chapters=reader.render_chapters(obj, only=number),
        toc=[(i, t) for i, (_, _, t) in enumerate(spans, start=1)],
        number=number,
        count=len(spans),
        legend=reader.legend(obj),
        notes=before if number in (None, 1) else [],
        end_notes=after if number in (None, len(spans)) else [],
    )


def duplicates_page(app: WebApp) -> HTMLResponse:
    groups = []
    for g in app.library.duplicates() or []:
        members = g if isinstance(g, (list, tuple)) else getattr(g, "works", None) or []
        similarity = getattr(g, "similarity", None)
        groups.append({"works": [views.blurb(m) for m in members], "similarity": similarity})
    return app.page("duplicates.html", groups=groups)


def _error_page(app: WebApp, status: int, message: str) -> HTMLResponse:
    titles = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 500: "Something went wrong"}
    return app.page("error.html", status=status, code=status, heading=titles.get(status, "Error"), message=message)


def _install_error_pages(api: FastAPI, app: WebApp) -> None:
    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        default = {404: "There is nothing at this address."}.get(exc.status_code, "That request could not be handled.")
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail not in ("Not Found", "Method Not Allowed") else default
        return _error_page(app, exc.status_code, detail)

    @api.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(e.get("loc", ["?"])[-1]) for e in exc.errors()})
        return _error_page(app, 400, f"Bad value for {', '.join(fields)}.")

    @api.exception_handler(WorkNotFound)
    async def no_work(request: Request, exc: WorkNotFound) -> Response:
        return _error_page(app, 404, str(exc))

    @api.exception_handler(FiclensError)
    async def ficlens_error(request: Request, exc: FiclensError) -> Response:
        # a bad query or parameter; a library that cannot be read is the server's problem
        from ..errors import LibraryError

        status = 500 if isinstance(exc, LibraryError) else 400
        return _error_page(app, status, str(exc))

    @api.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return _error_page(app, 500, "The server hit an unexpected error; the details are in its log.")


def create_app(library: Any, *, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The web app over an open library (anything with ``search``/``get``/``similar``/``duplicates``).

    ``allowed_hosts`` limits the ``Host`` header the app answers to (``ficlens serve`` passes
    the loopback names), so a web page the user visits cannot read the library through DNS
    rebinding; ``None`` answers any host.
    """
    api = FastAPI(title="ficlens", docs_url=None, redoc_url=None, openapi_url=None)
    app = WebApp(library)
    api.state.web = app
    api.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if allowed_hosts is not None:
        api.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @api.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @api.get("/", response_class=HTMLResponse)
    def index(
        request: Request,
        q: Annotated[str, Query(max_length=2000)] = "",
        inc: Annotated[list[str] | None, Query()] = None,
        exc: Annotated[list[str] | None, Query()] = None,
        sort: Annotated[str | None, Query(max_length=40)] = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        words_from: Annotated[str, Query(max_length=12)] = "",
        words_to: Annotated[str, Query(max_length=12)] = "",
        complete: Annotated[str, Query(max_length=5)] = "",
    ) -> HTMLResponse:
        return library_page(app, request, q, inc or [], exc or [], sort, page, words_from, words_to, complete)

    @api.get("/works/{work_id:int}", response_class=HTMLResponse)
    def work(work_id: int) -> HTMLResponse:
        return work_page(app, work_id)

    @api.get("/works/{work_id:int}/read", response_class=HTMLResponse)
    def read(work_id: int, chapter: Annotated[str, Query(max_length=6)] = "1") -> HTMLResponse:
        return reader_page(app, work_id, chapter)

    @api.get("/works/{work_id:int}/analysis.json")
    def analysis(work_id: int) -> JSONResponse:
        return JSONResponse(app.work_or_404(work_id))

    @api.get("/duplicates", response_class=HTMLResponse)
    def duplicates() -> HTMLResponse:
        return duplicates_page(app)

    @api.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((STATIC_DIR / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    _install_error_pages(api, app)
    return api

