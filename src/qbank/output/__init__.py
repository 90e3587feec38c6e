"""Output: PDFs, manifests and booklets written atomically; hands on a written set (`write_set`) and its
`ManifestFile` read back (`load_manifest`). WeasyPrint loads only with `qbank.output.pdf`, never from here."""

from qbank.output.manifest_read import ManifestFile, load_manifest
from qbank.output.writer import write_set

__all__ = ["ManifestFile", "load_manifest", "write_set"]
