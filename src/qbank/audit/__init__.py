"""Audit: a built set regenerated from its manifest and compared; hands on an `AuditReport` (`audit`)."""

from qbank.audit.regenerate import AuditReport, audit

__all__ = ["AuditReport", "audit"]
