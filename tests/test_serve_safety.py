"""`qbank serve` as a public service: bad URLs and fuzzed forms are 4xx pages with a message (never 5xx), bodies
and fields are bounded, the rate limit triggers, and every response carries the security headers."""

from __future__ import annotations

import random
import re
import string
from urllib.parse import urlencode

from qbank.serve.guard import MAX_BODY, MAX_FIELD, RateLimit

from .conftest import ROOT
from .serve_helpers import client

FORM = {"content-type": "application/x-www-form-urlencoded"}
BAD_URLS = ["/q/lin", "/q/lin/", "/q/lin/-1", "/q/lin/1e3", "/q/lin/1000000000", "/q/lin/99999999999999999999",
            "/q/../bank.yaml/1", "/q/..%2fsolvers.py/1", "/q/%00/1", "/q/lin/3/4", "/nope", "/static/../README.md",
            "/static/serve.py", "/q/LIN/3", "/?topic=nope", "/?difficulty=extreme", "/q/lin/%ff", "/q//1",
            "/q/lin/０３"]  # fmt: skip


def test_bad_urls_are_4xx_pages_with_a_message():
    _, web = client()
    for url in BAD_URLS:
        response = web.get(url)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert 'class="error"' in response.text, url


def test_wrong_methods_and_content_types_are_4xx():
    _, web = client()
    assert web.post("/").status_code == 405
    assert web.put("/q/lin/3", content=b"x").status_code == 405
    assert web.post("/q/lin/new", data={"a.total": "1"}).status_code == 405
    assert (
        web.post("/q/lin/3", content=b'{"a.total": 1}', headers={"content-type": "application/json"}).status_code == 415
    )


def test_a_huge_body_or_field_is_413():
    _, web = client()
    big = web.post("/q/lin/3", content=b"a.total=" + b"1" * (MAX_BODY + 1),
                   headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert big.status_code == 413 and "larger than" in big.text
    long = web.post("/q/lin/3", data={"a.total": "1" * (MAX_FIELD + 1)})
    assert long.status_code == 413 and "longer than" in long.text


def test_fuzzed_forms_are_answered_or_refused_never_5xx():
    _, web = client()
    rng = random.Random(16)
    alphabet = string.printable + "\u2212\u00a0\u200b\ufeff\x00éσ,;[]%&="
    names = ["a.total", "a.act", "a.statements", "a.delta", "x", "a.", "", "a.total.0"]
    for _ in range(300):
        fields = [(rng.choice(names), "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))))
                  for _ in range(rng.randint(0, 4))]  # fmt: skip
        question = rng.choice(["lin", "norms", "shift"])
        response = web.post(f"/q/{question}/{rng.randint(0, 50)}", content=urlencode(fields).encode(), headers=FORM)
        assert response.status_code == 200 or 400 <= response.status_code < 500, (fields, response.status_code)
    for _ in range(100):
        raw = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 200)))
        response = web.post("/q/lin/3", content=raw, headers=FORM)
        assert response.status_code == 200 or 400 <= response.status_code < 500, (raw, response.status_code)


def test_fuzzed_vector_and_matrix_cells_are_answered_or_refused_never_5xx():
    _, web = client(ROOT / "banks" / "sample")
    rng = random.Random(17)
    alphabet = string.printable + "\u2212\u00a0\ufeff\x00,;[]"
    names = ["a.product.0.0", "a.product.1.1", "a.product.0.1", "a.product.2.0", "a.product.0", "a.product.01.0",
             "a.product", "a.probs.0", "a.probs.3", "a.probs.4", "a.probs.99999", "a.probs.", "a.probs.0.0",
             "a.trace", "a.loss"]  # fmt: skip
    statuses = set()
    for _ in range(300):
        fields = [(rng.choice(names), "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))))
                  for _ in range(rng.randint(0, 6))]  # fmt: skip
        question = rng.choice(["basics/matmul", "basics/softmax"])
        response = web.post(f"/q/{question}/{rng.randint(0, 50)}", content=urlencode(fields).encode(), headers=FORM)
        assert response.status_code == 200 or 400 <= response.status_code < 500, (fields, response.status_code)
        statuses.add(response.status_code)
    assert statuses == {200, 400}  # both accepted attempts and refused forgeries were exercised


def test_the_rate_limit_triggers_per_client():
    _, web = client(rate=RateLimit(burst=5, per_second=0.001))
    statuses = [web.get("/").status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3
    refused = web.get("/")
    assert refused.headers["retry-after"] and "too many requests" in refused.text


def test_the_token_bucket_refills_with_time():
    now = [0.0]
    limit = RateLimit(burst=2, per_second=1, clock=lambda: now[0])
    assert [limit.allow("a"), limit.allow("a"), limit.allow("a"), limit.allow("b")] == [True, True, False, True]
    now[0] = 1.0
    assert limit.allow("a") and not limit.allow("a")


def test_every_response_carries_the_security_headers():
    _, web = client()
    for response in (web.get("/"), web.get("/q/lin/3"), web.get("/nope"), web.get("/static/serve.js"),
                     web.post("/q/lin/3", data={"a.total": "1"})):  # fmt: skip
        csp = response.headers["content-security-policy"]
        assert (
            "script-src 'self'" in csp
            and "frame-ancestors 'none'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script():
    _, web = client()
    for url in ("/", "/q/lin/3", "/nope"):
        text = web.get(url).text
        assert text.count("<script") == 1 and '<script src="/static/serve.js" defer></script>' in text
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text), url  # no event-handler attributes either


BAD_ITEM_URLS = ["/item/2", "/item/2/", "/item/0/1", "/item/1/1", "/item/4/1", "/item/02/1", "/item/2/-1",
                 "/item/2/1000000000", "/item/2/x", "/item/../2/1", "/item/2/1/1", "/item/%00/1", "/item/１/1",
                 "/item/99999999999999999999/1", "/q/basics/softmax/x", "/q/basics/softmax/1/2"]  # fmt: skip


def test_bad_multi_part_urls_are_4xx_pages_with_a_message(sample_copy):
    from .conftest import SAMPLE_EXAM

    _, web = client(sample_copy / "exams" / SAMPLE_EXAM.name)
    assert web.get("/item/2/1").status_code == 200
    for url in BAD_ITEM_URLS:
        response = web.get(url)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert 'class="error"' in response.text, url
    assert web.put("/item/2/1", content=b"x").status_code == 405
    assert web.post("/item/2/new", data={"a.a.probs.0": "1"}).status_code == 405


def test_fuzzed_multi_part_forms_are_answered_or_refused_never_5xx(sample_copy):
    from .conftest import SAMPLE_EXAM

    _, web = client(sample_copy / "exams" / SAMPLE_EXAM.name)
    rng = random.Random(18)
    alphabet = string.printable + "\u2212\u00a0\ufeff\x00,;[]"
    names = ["a.a.probs.0", "a.a.probs.3", "a.a.probs.9", "a.a.probs", "b.a.product.0.0", "b.a.product.1.1",
             "b.a.product.2.0", "b.a.product", "a.a.product.0.0", "b.a.probs.0", "a.probs.0", "c.a.x", "a.", "b..",
             "", ".", "a.a.", "b.a.trace"]  # fmt: skip
    statuses = set()
    for _ in range(300):
        fields = [(rng.choice(names), "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))))
                  for _ in range(rng.randint(0, 8))]  # fmt: skip
        response = web.post(f"/item/2/{rng.randint(0, 50)}", content=urlencode(fields).encode(), headers=FORM)
        assert response.status_code == 200 or 400 <= response.status_code < 500, (fields, response.status_code)
        statuses.add(response.status_code)
    for _ in range(100):
        raw = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 200)))
        response = web.post("/item/2/3", content=raw, headers=FORM)
        assert response.status_code == 200 or 400 <= response.status_code < 500, (raw, response.status_code)
    assert statuses == {200, 400}
