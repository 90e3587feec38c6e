"""Serve: practice online. A read-only web app over one bank (or exam): a picker, seeded question pages, and
marking by qbank's own grader. Nothing is imported here: the app imports Starlette, the CLI must not before use."""
