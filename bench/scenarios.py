"""The benchmark's scenarios, as data: what each request is and what its response must be.

Every implementation in ``bench/apps`` serves these routes, and every response is checked against
this table before it is timed, so no framework wins by doing less. Where frameworks legitimately
differ (JSON spacing, their own redirect and 404 pages, absolute vs relative ``Location``) the
check is a predicate that accepts any correct answer; everything else is exact.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

#: The seed's user, served by ``/user`` (example 4: jsonify).
USER: dict[str, Any] = {"name": "Alex", "age": 25, "hobbies": ["coding", "reading"]}
#: Rules ``/r{i}/<id>`` registered before ``/target/<id>`` (router scaling).
SCALING_RULES = 100
STREAM_CHUNKS = 5
DASHBOARD_BODY = b"Visit profile at: /user/alex?tab=posts&page=2"


@dataclass(frozen=True)
class Predicate:
    """A named test, so a failed check says what was expected rather than ``<lambda>``."""

    description: str
    test: Callable[[Any], bool]

    def __call__(self, value: Any) -> bool:
        try:
            return bool(self.test(value))
        except Exception:
            return False


HeaderCheck = str | Predicate
BodyCheck = bytes | Predicate


@dataclass(frozen=True)
class Scenario:
    """One request and the response every framework must give to it."""

    name: str
    path: str
    status: int
    headers: Mapping[str, HeaderCheck]
    body: BodyCheck
    method: str = "GET"
    query: str = ""
    about: str = field(default="", compare=False)


def media_type(expected: str) -> Predicate:
    """``Content-Type`` with this media type; text types must also declare UTF-8."""

    def test(value: str) -> bool:
        kind, _, params = value.partition(";")
        if kind.strip().lower() != expected:
            return False
        if not expected.startswith("text/"):
            return True
        return "charset=utf-8" in params.replace(" ", "").lower()

    suffix = "; charset=utf-8" if expected.startswith("text/") else ""
    return Predicate(f"{expected}{suffix}", test)


def _json_equals(data: Any) -> Predicate:
    return Predicate(f"JSON equal to {data!r}", lambda body: json.loads(body) == data)


def _location_path(path: str) -> Predicate:
    # RFC 9110 allows a relative or an absolute Location; Bottle always sends an absolute one.
    return Predicate(f"a URL whose path is {path}", lambda value: urlsplit(value).path == path)


_ANY_REDIRECT_PAGE = Predicate("any body (each framework's own redirect page)", lambda body: True)
_NOT_FOUND_PAGE = Predicate(
    "a page saying 'not found'", lambda body: b"not found" in body.lower().replace(b"_", b" ")
)
TEXT = media_type("text/plain")
HTML = media_type("text/html")

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "hello",
        "/hello",
        200,
        {"Content-Type": TEXT},
        b"Hello, World!",
        about="plain text Response (example 1)",
    ),
    Scenario(
        "jsonify",
        "/user",
        200,
        {"Content-Type": media_type("application/json")},
        _json_equals(USER),
        about="jsonify of the seed's user dict (example 4)",
    ),
    Scenario(
        "cookie",
        "/cookie",
        200,
        {
            "Content-Type": HTML,
            "X-Special-Message": "Baked fresh!",
            "Cache-Control": "no-cache",
            "Set-Cookie": "visited=true; Path=/",
        },
        b"Here's your cookie!",
        about="two custom headers and a cookie (examples 2 and 5)",
    ),
    Scenario(
        "created",
        "/created",
        201,
        {"Content-Type": HTML},
        b"New item created!",
        about="a (body, 201) tuple (example 3)",
    ),
    Scenario(
        "redirect",
        "/old-page",
        302,
        {"Location": _location_path("/new-page")},
        _ANY_REDIRECT_PAGE,
        about="redirect(url_for('new_page')) (example 6)",
    ),
    Scenario(
        "url_for",
        "/dashboard",
        200,
        {"Content-Type": HTML},
        DASHBOARD_BODY,
        about="url_for with a path value and query args (example 7)",
    ),
    Scenario(
        "path_param",
        "/user/alex",
        200,
        {"Content-Type": HTML},
        b"Hello, alex!",
        about="a <username> path parameter (example 7)",
    ),
    Scenario(
        "stream",
        "/stream",
        200,
        {"Content-Type": TEXT},
        b"".join(f"Chunk {i}\n".encode() for i in range(STREAM_CHUNKS)),
        about="a 5-chunk generator (example 8)",
    ),
    Scenario(
        "not_found",
        "/no-such-page",
        404,
        {},
        _NOT_FOUND_PAGE,
        about="an unknown path: the router misses every rule",
    ),
    Scenario(
        "router_101",
        "/target/42",
        200,
        {"Content-Type": HTML},
        b"Target 42",
        about=f"a dynamic rule registered after {SCALING_RULES} others",
    ),
)


def problems(
    scenario: Scenario, status: int, headers: list[tuple[str, str]], body: bytes
) -> list[str]:
    """Everything wrong with a response to ``scenario`` (an empty list means it is right)."""
    found: list[str] = []
    if status != scenario.status:
        found.append(f"status {status}, expected {scenario.status}")
    by_name: dict[str, list[str]] = {}
    for name, value in headers:
        by_name.setdefault(name.lower(), []).append(value)
    for name, check in scenario.headers.items():
        values = by_name.get(name.lower())
        if not values:
            found.append(f"no {name} header")
            continue
        if len(values) != 1:
            found.append(f"{len(values)} {name} headers: {values!r}")
        ok = check(values[0]) if isinstance(check, Predicate) else values[0] == check
        if not ok:
            wanted = check.description if isinstance(check, Predicate) else repr(check)
            found.append(f"{name}: {values[0]!r}, expected {wanted}")
    lengths = by_name.get("content-length")
    if lengths and lengths != [str(len(body))]:
        found.append(f"Content-Length {lengths!r} but the body has {len(body)} bytes")
    expected = scenario.body
    if isinstance(expected, Predicate):
        if not expected(body):
            found.append(f"body {body[:80]!r}, expected {expected.description}")
    elif body != expected:
        found.append(f"body {body[:80]!r}, expected {expected[:80]!r}")
    return found
