"""Where qbank's own page templates are: the package data `qbank/templates` (in a checkout a link to the
repository's top-level `templates/`, in an installed wheel a copy of it), found through importlib.resources so an
installed qbank needs no checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_templates() -> Path:
    """The real path of qbank's page template folder."""
    return Path(str(resources.files("qbank") / "templates")).resolve()
