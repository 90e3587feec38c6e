"""HTML -> PDF with WeasyPrint: local files only from allowed folders, loud failures, reproducible bytes.

WeasyPrint logs and skips a resource it cannot fetch; `write_pdf` instead collects every refused or
failed URL (and every image/stylesheet WeasyPrint failed to load) and raises PdfError listing them.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from qbank.output import actualtext, svgtext
from qbank.output.render_env import pdf_environment  # here since the PDF writer came first

__all__ = ["PdfError", "RestrictedFetcher", "install_drawers", "pdf_environment", "write_pdf"]

_DRAWERS = {"installed": False}


class PdfError(RuntimeError):
    """A PDF could not be made faithfully; the message lists each refused or failed resource (`problems`)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class RestrictedFetcher(URLFetcher):
    """Serve `data:` URLs and `file:` URLs whose real path lies inside an allowed root; refuse the rest."""

    def __init__(self, allowed_roots: Sequence[Path]) -> None:
        super().__init__(timeout=5, allow_redirects=False)
        self.roots = [Path(os.path.realpath(root)) for root in allowed_roots]
        self.failures: list[str] = []

    def _refuse(self, url: str, why: str) -> ValueError:
        shown = url if len(url) <= 120 else url[:117] + "..."
        self.failures.append(f"{shown}: {why}")
        return ValueError(f"qbank refused {shown}: {why}")

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Fetch `url` if it is a data: URL or a file inside the allowed roots, else raise."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise self._refuse(url, f"{scheme or 'relative'} URLs are not allowed (only local files)")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, f"remote host {parts.netloc!r} in a file: URL")
        real = Path(os.path.realpath(unquote(parts.path)))  # resolves `..` and symlinks
        if not any(real.is_relative_to(root) for root in self.roots):
            allowed = ", ".join(str(root) for root in self.roots) or "none"
            raise self._refuse(url, f"{real} is outside the allowed folders ({allowed})")
        if not real.is_file():
            raise self._refuse(url, f"{real} does not exist or is not a file")
        try:
            return super().fetch(real.as_uri(), headers)
        except OSError as exc:
            raise self._refuse(url, f"cannot read {real}: {exc}") from exc


class _ErrorLog(logging.Handler):
    """Collects WeasyPrint's errors ("Failed to load image at ...") and missing-glyph warnings in one render."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.messages.append(message)
        elif ".notdef glyph" in message:  # a character no embedded font can draw would print as a box
            self.messages.append(f"missing glyph: {message}")


# WeasyPrint's records reach only the collector below (during a render), never the terminal: a library (or a
# worker process) that configured the root logger would otherwise print every warning of every paper.
logging.getLogger("weasyprint").propagate = False


@contextmanager
def _collect_errors() -> Iterator[_ErrorLog]:
    handler = _ErrorLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def install_drawers() -> None:
    """Put qbank's text drawers in WeasyPrint (each behind its version guard): shaped lines read back as written
    (`actualtext`), figure labels drawn as one run each (`svgtext`). Done by the first `write_pdf` of a process."""
    _DRAWERS["installed"] = True
    actualtext.install()
    svgtext.install()


def write_pdf(html: str, *, base_dir: Path, allowed_roots: Sequence[Path]) -> bytes:
    """Render html to deterministic PDF bytes; raise PdfError listing every resource refused or not loaded."""
    if not _DRAWERS["installed"]:
        install_drawers()
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    fetcher = RestrictedFetcher(allowed_roots)
    base_url = Path(os.path.abspath(base_dir)).as_uri() + "/"
    with _collect_errors() as log:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
        attached = attachments(document)
        fetcher.failures.extend(attached)
        pdf = b"" if attached else document.write_pdf(pdf_identifier=identifier)  # attachments: never fetched
    logged = [message for message in log.messages if "qbank refused" not in message]
    problems = list(dict.fromkeys(fetcher.failures + logged))
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        message = f"{len(problems)} resource(s) or glyph(s) refused or failed while making the PDF:\n{listing}"
        raise PdfError(message, problems)
    return pdf


def attachments(document: weasyprint.Document) -> list[str]:
    """Why a rendered document may not be written: each file it would embed (`rel="attachment"` on a link or
    an anchor would put a bank file, a solver or the key's sources, inside a student's PDF)."""
    why = 'attachments are not allowed (rel="attachment" would embed the file in the PDF)'
    found = [f"<link rel=attachment{_titled(a.description)}>: {why}" for a in document.metadata.attachments]
    for page in document.pages:
        found += [f"{target}: {why}" for kind, target, *_ in page.links if kind == "attachment"]
    return found


def _titled(title: str | None) -> str:
    """` title=...` for a message, when there is a title."""
    return f" title={title!r}" if title else ""
