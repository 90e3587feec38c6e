"""Formula images handed to WeasyPrint as short references instead of long data: URLs.

WeasyPrint's pure-Python HTML parser reads a long attribute value character by character, and a key's HTML is
mostly formula data (each formula is an <img> with an SVG data: URL). `shorten` replaces each data: URL of a
src attribute by `qbank-data:N`; the PDF writer's fetcher serves each reference as the data URL itself, so the
PDF is byte-identical. `shorten` returns the HTML unchanged until `install()` (called by
`qbank.speedups.install_all`, after the version guard).
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Sequence

__all__ = ["PREFIX", "expand_references", "install", "installed", "resolve", "shorten", "uninstall"]

PREFIX = "qbank-data:"
_DATA_SRC = re.compile(r'(?<![\w-])src="(data:[^"]*)"')
_STATE = {"on": False}


def install() -> None:
    """Shorten data: URLs from now on."""
    _STATE["on"] = True


def uninstall() -> None:
    """Hand WeasyPrint the HTML as it is."""
    _STATE["on"] = False


def installed() -> bool:
    """Whether data: URLs are shortened."""
    return _STATE["on"]


def shorten(html: str) -> tuple[str, list[str]]:
    """`html` with each data: URL of a src attribute as `qbank-data:N`, and the URLs (each distinct one once);
    when not installed, `html` itself and no URLs."""
    if not _STATE["on"]:
        return html, []
    index: dict[str, str] = {}

    def short(match: re.Match[str]) -> str:
        url = html_module.unescape(match.group(1))  # the attribute's value as the parser would read it
        return f'src="{index.setdefault(url, f"{PREFIX}{len(index)}")}"'

    return _DATA_SRC.sub(short, html), list(index)


def resolve(url: str, data_urls: Sequence[str]) -> str:
    """The data: URL a `qbank-data:N` reference stands for; any other URL as it is."""
    number = url[len(PREFIX) :] if url.startswith(PREFIX) else ""
    return data_urls[int(number)] if number.isdigit() and int(number) < len(data_urls) else url


def expand_references(message: str, data_urls: Sequence[str]) -> str:
    """A problem report with each `qbank-data:N` shown as the start of the data: URL it stands for."""

    def expand(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return data_urls[number][:80] + "..." if number < len(data_urls) else match.group()

    return re.sub(re.escape(PREFIX) + r"(\d+)", expand, message)
