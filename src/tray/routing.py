"""URL routing: rules with typed variables, matched against paths and built back into URLs.

The API follows Werkzeug's (``Map``, ``Rule``, converters, ``BuildError``) so Flask-style code and
custom converters port unchanged (converters live in ``converters.py``). Matching is built for
speed: fully static paths resolve with one dict lookup; dynamic rules are compiled, per first path
segment, into one anchored regex whose matching alternative identifies the rule group. Anything
unusual (method mismatch, a converter rejecting its value, a missing trailing slash) falls back to
a slower, exact scan that also collects the ``Allow`` methods for a 405.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, quote_plus

from .converters import (
    DEFAULT_CONVERTERS,
    PATH_SAFE,
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    NumberConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
    parse_converter_args,
)
from .exceptions import HTTPException, MethodNotAllowed, NotFound

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "BuildError",
    "FloatConverter",
    "IntegerConverter",
    "Map",
    "NumberConverter",
    "PathConverter",
    "RequestRedirect",
    "RoutingException",
    "Rule",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
]

# Characters left unescaped in query keys/values (spaces become "+").
_QUERY_SAFE = "!$'()*,/:;?@"

T = TypeVar("T")


# --------------------------------------------------------------------------- exceptions


class RoutingException(Exception):
    """Base of the exceptions routing raises besides plain 404/405."""


class RequestRedirect(HTTPException, RoutingException):
    """308 to the canonical URL, e.g. the trailing-slash form of a rule ending in ``/``.

    308 (not 301) keeps the method and body, so a POST to ``/form`` reaches ``/form/`` intact.
    """

    code = 308
    # Set on the redirect of a rule's redirect_to: new_url is resolved against the app's root
    # like a link ("new" stays under it, "/new" and "https://x/" do not) rather than prefixed.
    _join = False
    # Set on an alias's redirect whose canonical rule is on another subdomain (or host): that
    # domain, for the app to make new_url absolute there (only it knows scheme and host).
    _domain: str | None = None
    # The rule (and its values) whose redirect_to or alias answered, if one did.
    _rule: Rule | None = None
    _values: dict[str, Any] = {}  # noqa: RUF012 (never mutated: set per instance)

    def __init__(self, new_url: str) -> None:
        super().__init__(new_url)
        self.new_url = new_url

    def get_body(self) -> str:
        url = html.escape(self.new_url)
        return (
            "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
            "<h1>Redirecting...</h1>\n"
            "<p>You should be redirected automatically to the target URL: "
            f'<a href="{url}">{url}</a>. If not, click the link.\n'
        )

    def get_headers(self) -> list[tuple[str, str]]:
        headers = super().get_headers()
        headers.append(("Location", self.new_url))
        return headers


class BuildError(RoutingException, LookupError):
    """``Map.build`` found no rule for the endpoint that accepts the given values and method."""

    def __init__(
        self,
        endpoint: Any,
        values: Mapping[str, Any] | None,
        method: str | None,
        message: str | None = None,
    ) -> None:
        super().__init__(endpoint, values, method)
        self.endpoint = endpoint
        self.values = dict(values or {})
        self.method = method
        self.message = message

    def __str__(self) -> str:
        if self.message is not None:
            return self.message
        return _build_error_head(self.endpoint, self.values, self.method)


def _build_error_head(endpoint: Any, values: Mapping[str, Any], method: str | None) -> str:
    head = f"Could not build url for endpoint {endpoint!r}"
    if method:
        head += f" ({method!r})"
    if values:
        head += f" with values {sorted(values)!r}"
    return head + "."


# --------------------------------------------------------------------------- converters


# --------------------------------------------------------------------------- rule parsing

_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_]\w*>")

_VARIABLE_RE = re.compile(r"<([^<>]*)>")
_MULTI_SLASH = re.compile("/{2,}")
_VARIABLE_BODY_RE = re.compile(
    r"(?:(?P<converter>[A-Za-z_][A-Za-z0-9_]*)(?:\((?P<args>.*)\))?:)?"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)",
    re.DOTALL,
)
# A parsed rule: static text, or a variable (name, converter name, args, kwargs).
_Variable = tuple[str, str, tuple[Any, ...], dict[str, Any]]


def _parse_rule(rule: str) -> list[str | _Variable]:
    if not isinstance(rule, str):
        raise TypeError(f"URL rule must be a str like '/users/<int:id>', not {rule!r}")
    if not rule.startswith("/"):
        raise ValueError(f"URL rule {rule!r} must start with '/': use '/{rule}'")
    return _parse_parts(rule, f"URL rule {rule!r}")


def _parse_domain(rule: str, option: str, pattern: Any) -> list[str | _Variable]:
    """Parse the ``subdomain`` or ``host`` pattern of ``rule`` (e.g. ``"<user>"``)."""
    if not isinstance(pattern, str):
        raise TypeError(
            f"{option} of URL rule {rule!r} must be a str like 'api' or '<user>', not {pattern!r}"
        )
    if "/" in pattern:
        raise ValueError(
            f"{option} {pattern!r} of URL rule {rule!r} has a '/': give the {option} alone,"
            f" like {'api' if option == 'subdomain' else 'api.example.com'!r}"
        )
    return _parse_parts(pattern, f"{option} {pattern!r} of URL rule {rule!r}")


def _parse_parts(rule: str, label: str) -> list[str | _Variable]:
    parts: list[str | _Variable] = []
    seen: set[str] = set()
    pos = 0
    for match in _VARIABLE_RE.finditer(rule):
        parts.append(rule[pos : match.start()])
        body = _VARIABLE_BODY_RE.fullmatch(match.group(1))
        if body is None:
            raise ValueError(
                f"{label} has a malformed variable {match.group(0)!r}: write <name>,"
                " <converter:name> or <converter(args):name> using Python identifiers"
            )
        name = body.group("name")
        if name in seen:
            raise ValueError(
                f"{label} uses the variable name {name!r} twice; give each variable its own name"
            )
        seen.add(name)
        argstr = body.group("args")
        try:
            args, kwargs = parse_converter_args(argstr) if argstr else ((), {})
        except ValueError as exc:
            raise ValueError(f"{label}: {exc}") from None
        parts.append((name, body.group("converter") or "default", args, kwargs))
        pos = match.end()
    parts.append(rule[pos:])
    for part in parts:
        if isinstance(part, str) and "<" in part:
            raise ValueError(
                f"{label} has a '<' that does not open a <variable>; close it with '>' or remove it"
            )
    return [part for part in parts if part != ""]


# --------------------------------------------------------------------------- rules


class Rule:
    """One URL pattern mapped to an endpoint, e.g. ``Rule("/user/<int:id>", endpoint="user")``.

    The string is parsed immediately (syntax errors surface where the rule is written);
    converters are looked up when the rule is added to a ``Map``, which owns the registry.
    """

    # PERF: slots keep attribute access fast (a plain instance dict of 30 keys or more is
    # not shared, which slows every attribute load); "__dict__" still takes any other attribute.
    __slots__ = (
        "__dict__",
        "__weakref__",
        "_build_head",
        "_build_static",
        "_build_vars",
        "_converters",
        "_domain_converters",
        "_domain_key",
        "_domain_parts",
        "_domain_regex",
        "_domain_rule",
        "_domain_slots",
        "_exact_regex",
        "_first_segment",
        "_not_query",
        "_own_sort_key",
        "_parts",
        "_path",
        "_plain_pattern",
        "_redirects",
        "_regex",
        "_required",
        "_slashed",
        "_slashed_sort_key",
        "_slashes",
        "_slashless_sort_key",
        "_slots",
        "_sort_key",
        "_transitions",
        "alias",
        "arguments",
        "build_only",
        "defaults",
        "endpoint",
        "host",
        "is_static",
        "map",
        "merge_slashes",
        "methods",
        "provide_automatic_options",
        "redirect_to",
        "rule",
        "strict_slashes",
        "subdomain",
        "websocket",
    )

    def __init__(
        self,
        string: str,
        endpoint: Any = None,
        methods: Iterable[str] | None = None,
        strict_slashes: bool | None = None,
        defaults: Mapping[str, Any] | None = None,
        provide_automatic_options: bool | None = None,
        *,
        subdomain: str | None = None,
        host: str | None = None,
        build_only: bool = False,
        redirect_to: str | Callable[..., str] | None = None,
        alias: bool = False,
        merge_slashes: bool | None = None,
        websocket: bool = False,
        **unknown: Any,
    ) -> None:
        if unknown:
            names = ", ".join(repr(name) for name in sorted(unknown))
            raise TypeError(
                f"URL rule {string!r} got unknown option(s) {names}; a rule takes endpoint,"
                " methods, strict_slashes, defaults, provide_automatic_options, subdomain, host,"
                " build_only, redirect_to, alias and merge_slashes"
            )
        if websocket:
            raise TypeError(
                f"URL rule {string!r} has websocket=True, but tray does not serve WebSocket"
                " routes; drop the option (or serve WebSockets with another ASGI app)"
            )
        self._parts = _parse_rule(string)
        self.rule = string
        # The pattern as matched and built: the rule with "//" merged when merge_slashes is on.
        self._path = string
        self.endpoint = endpoint
        if isinstance(methods, str):
            raise TypeError(
                f"methods must be a list of method names like ['GET'], not the string {methods!r}"
            )
        if methods is None:
            self.methods: set[str] | None = None
        else:
            self.methods = {method.upper() for method in methods}
            if "GET" in self.methods:
                self.methods.add("HEAD")
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.defaults: dict[str, Any] | None = dict(defaults) if defaults is not None else None
        self.provide_automatic_options = provide_automatic_options
        for option, value in (("subdomain", subdomain), ("host", host)):
            if value is not None:
                _parse_domain(string, option, value)  # syntax errors surface here
        self.subdomain = subdomain
        self.host = host
        self.build_only = bool(build_only)
        if redirect_to is not None and not (isinstance(redirect_to, str) or callable(redirect_to)):
            raise TypeError(
                f"redirect_to of URL rule {string!r} must be a URL string (with <name>"
                f" placeholders) or a callable returning one, not {redirect_to!r}"
            )
        self.redirect_to = redirect_to
        self.alias = bool(alias)
        self.websocket = False
        self.arguments: set[str] = {part[0] for part in self._parts if isinstance(part, tuple)}
        self.is_static = not self.arguments
        self._required = frozenset(self.arguments - set(self.defaults or ()))
        self.map: Map | None = None
        self._converters: dict[str, BaseConverter] = {}
        # The subdomain (or, with host matching, host) pattern in force, set by bind().
        self._domain_rule = ""
        self._domain_parts: list[str | _Variable] = []
        self._domain_converters: dict[str, BaseConverter] = {}
        # A matched request is answered with a redirect (redirect_to or alias), not the view.
        self._redirects = redirect_to is not None or self.alias

    def bind(self, map: Map) -> None:
        """Attach to ``map``: instantiate converters and precompile matching and building."""
        if self.map is not None and self.map is not map:
            raise RuntimeError(
                f"{self!r} is already added to another Map; create a new Rule for this one"
            )
        self.map = map
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        if self.merge_slashes is None:
            self.merge_slashes = map.merge_slashes
        if self.merge_slashes and "//" in self.rule:
            # As Werkzeug: "/a//b" is the rule "/a/b" (a request for "/a//b" redirects there).
            self._parts = [
                _MULTI_SLASH.sub("/", part) if isinstance(part, str) else part
                for part in self._parts
            ]
            self._path = _MULTI_SLASH.sub("/", self.rule)
        self._converters = self._make_converters(map, self._parts, f"URL rule {self.rule!r}")
        if self.subdomain is None:
            self.subdomain = map.default_subdomain
        option, domain = ("host", self.host) if map.host_matching else ("subdomain", self.subdomain)
        self._domain_rule = domain or ""
        self._domain_parts = _parse_domain(self.rule, option, domain) if domain else []
        self._domain_converters = self._make_converters(
            map, self._domain_parts, f"{option} {domain!r} of URL rule {self.rule!r}"
        )
        both = set(self._converters) & set(self._domain_converters)
        if both:
            raise ValueError(
                f"URL rule {self.rule!r} uses the variable name {sorted(both)[0]!r} in both its"
                f" {option} and its path; give each variable its own name"
            )
        if self._domain_converters:
            self.arguments = self.arguments | set(self._domain_converters)
            self._required = frozenset(self.arguments - set(self.defaults or ()))
        if isinstance(self.redirect_to, str):
            for placeholder in _VARIABLE_RE.findall(self.redirect_to):
                if (
                    placeholder not in self._converters
                    and placeholder not in self._domain_converters
                ):
                    raise ValueError(
                        f"redirect_to {self.redirect_to!r} of URL rule {self.rule!r} uses"
                        f" <{placeholder}>, which is not a variable of the rule; a placeholder"
                        f" names a variable, e.g. <{next(iter(sorted(self.arguments)), 'id')}>"
                        " (for anything else pass a callable)"
                    )
        self._compile()
        self._compile_domain()

    @staticmethod
    def _make_converters(
        map: Map, parts: list[str | _Variable], label: str
    ) -> dict[str, BaseConverter]:
        converters: dict[str, BaseConverter] = {}
        for part in parts:
            if isinstance(part, tuple):
                name, conv_name, args, kwargs = part
                conv_cls = map.converters.get(conv_name)
                if conv_cls is None:
                    known = ", ".join(sorted(map.converters))
                    raise ValueError(
                        f"{label} uses unknown converter {conv_name!r}; known"
                        f" converters: {known}. Register custom ones first with"
                        f" app.url_map.converters[{conv_name!r}] = YourConverter"
                    )
                try:
                    converters[name] = conv_cls(map, *args, **kwargs)
                except (TypeError, ValueError) as exc:
                    raise ValueError(
                        f"{label}: bad arguments for converter {conv_name!r}"
                        f" of variable {name!r}: {exc}"
                    ) from None
        return converters

    def _compile_domain(self) -> None:
        """Precompile matching and building of the subdomain (or host) pattern."""
        regex = ""
        slots: list[tuple[str, int, Any]] = []
        static_len = 0
        weights: list[int] = []
        group = 1
        for part in self._domain_parts:
            if isinstance(part, str):
                regex += re.escape(part)
                static_len += len(part)
            else:
                conv = self._domain_converters[part[0]]
                conv_regex = _NAMED_GROUP.sub("(", conv.regex)
                regex += f"({conv_regex})"
                to_python = (
                    None if type(conv).to_python is BaseConverter.to_python else conv.to_python
                )
                slots.append((part[0], group, to_python))
                group += 1 + re.compile(conv_regex).groups
                weights.append(conv.weight)
        self._domain_slots = slots
        # Domains try static patterns first, then dynamic ones from the most specific (a
        # segment of Werkzeug's trie, see _weights); ties keep the order rules were added in.
        self._domain_key: tuple[Any, ...] = (
            (1, -static_len, -len(weights), tuple(weights)) if weights else (0,)
        )
        self._domain_regex = re.compile(regex) if weights else None

    def _match_domain(self, domain: str) -> dict[str, Any] | None:
        """The values of the subdomain (or host) pattern's variables if ``domain`` matches."""
        if self._domain_regex is None:
            return {} if domain == self._domain_rule else None
        m = self._domain_regex.fullmatch(domain)
        if m is None:
            return None
        values: dict[str, Any] = {}
        try:
            for name, index, to_python in self._domain_slots:
                raw = m.group(index)
                values[name] = raw if to_python is None else to_python(raw)
        except ValidationError:
            return None
        return values

    def _build_domain(self, values: Mapping[str, Any]) -> str:
        """The subdomain (or host) this rule's URL has for ``values``."""
        if self._domain_regex is None:
            return self._domain_rule
        domain = ""
        for part in self._domain_parts:
            if isinstance(part, str):
                domain += part
            else:
                name = part[0]
                value = values[name] if name in values else self.defaults[name]  # type: ignore[index]
                domain += self._domain_converters[name].to_url(value)
        return domain

    def _compile(self) -> None:
        regex_parts: list[str] = []
        # The same pattern without capturing groups, for the combined regex (see Map._compile).
        plain_parts: list[str] = []
        # PERF: builders are precompiled: the static text up to the first variable, then one
        # (name, converter, static text after it) triple per variable; an all-static rule
        # keeps the finished string.
        build_head = ""
        build_vars: list[tuple[str, BaseConverter, str]] = []
        # (name, group index within this rule's alternative, to_python or None for identity)
        slots: list[tuple[str, int, Any]] = []
        group = 1
        for part in self._parts:
            if isinstance(part, str):
                regex_parts.append(re.escape(part))
                plain_parts.append(re.escape(part))
                if build_vars:
                    name, conv, tail = build_vars[-1]
                    build_vars[-1] = (name, conv, tail + part)
                else:
                    build_head += part
            else:
                conv = self._converters[part[0]]
                # A converter's named groups would clash once rules share one regex.
                conv_regex = _NAMED_GROUP.sub("(", conv.regex)
                regex_parts.append(f"({conv_regex})")
                plain_parts.append(f"(?:{conv_regex})")
                # PERF: skip calling to_python when it is the identity (the default string case).
                to_python: Callable[[str], Any] | None = conv.to_python
                if type(conv).to_python is BaseConverter.to_python:
                    to_python = None
                elif (
                    isinstance(conv, NumberConverter)
                    and type(conv).to_python is NumberConverter.to_python
                    and not conv.fixed_digits
                    and conv.min is None
                    and conv.max is None
                ):
                    # PERF: plain int/float: the regex already validated, call int()/float().
                    to_python = conv.num_convert
                slots.append((part[0], group, to_python))
                group += 1 + re.compile(conv_regex).groups
                build_vars.append((part[0], conv, ""))
        self._regex = re.compile(self._finish(regex_parts))
        self._plain_pattern = self._finish(plain_parts)
        self._slots = slots
        self._build_static: str | None = self._path if self.is_static else None
        self._build_head = build_head
        self._build_vars = build_vars
        # Values that never go to the query string: the rule's variables and defaults.
        self._not_query = frozenset(self.arguments) | frozenset(self.defaults or ())
        transitions: list[tuple[Any, ...]] = []
        self._own_sort_key = self._weights(self._parts, transitions)
        self._transitions = tuple(transitions)
        # A non-strict rule without a final "/" matches its path with one added in a form of its
        # own (``_SLASHED``, see _ranked_forms); its exact form matches the path as written only.
        # A slash-spanning converter (path) keeps the one tolerant pattern: it ranks differently
        # from Werkzeug's anyway.
        self._slashed = (
            not self.strict_slashes
            and not self._path.endswith("/")
            and all(conv.part_isolating for conv in self._converters.values())
        )
        self._exact_regex = re.compile(self._regex.pattern[:-2]) if self._slashed else self._regex
        self._slashes = sum(part.count("/") for part in self._parts if isinstance(part, str))
        self._rank(self._own_sort_key)
        head = self._parts[0]
        assert isinstance(head, str)
        self._first_segment: str | None = (
            head[1:].split("/", 1)[0] if not self.is_static and "/" in head[1:] else None
        )

    def _rank(self, sort_key: tuple[tuple[Any, ...], ...]) -> None:
        """Set the sort keys of this rule's forms (see ``_ranked_forms``) from its own."""
        self._sort_key = sort_key
        # Where this rule answers its path without the final "/": where a rule without it
        # would rank (its key without the final, empty, segment). A slash-spanning converter
        # (path) ranks differently from Werkzeug's anyway, so such a rule's form comes after
        # every rule of its first segment's group.
        self._slashless_sort_key = sort_key
        if self._path.endswith("/") and self._path != "/":
            if any(not conv.part_isolating for conv in self._converters.values()):
                self._slashless_sort_key = ((0,), (9,)) if sort_key[0] == (0,) else ((9,),)
            else:
                self._slashless_sort_key = sort_key[:-1]
        # Where a non-strict rule answers its path with a "/" added (if ``_slashed``): after every
        # rule matching that path as written, as Werkzeug tries it once the "/" led nowhere.
        self._slashed_sort_key = (*sort_key, (9,))

    def _finish(self, parts: list[str]) -> str:
        """Join regex parts; a non-strict rule matches with or without its trailing slash."""
        pattern = "".join(parts)
        if self.strict_slashes:
            return pattern
        return (pattern[:-1] if self._path.endswith("/") else pattern) + "/?"

    def _weights(
        self, parts: list[Any], transitions: list[tuple[Any, ...]]
    ) -> tuple[tuple[Any, ...], ...]:
        """Sort key per path segment: static segments first, then more static text, more
        variables, lighter converters. Comparing these tuples reproduces a segment trie's order
        (up to ties between different segments of equal weight: see ``Map._compile``).

        ``transitions`` receives each segment's identity as a transition of that trie: its
        static text and its converters' regexes and weights.
        """
        segments: list[tuple[Any, ...]] = []
        static_len = 0
        weights: list[int] = []
        spanning = False
        content: list[Any] = []

        def close() -> None:
            nonlocal static_len, weights, content
            if weights:
                # A slash-spanning converter (path) makes its segment the least specific of
                # all, whatever static text follows it: "/docs/<path:p>/" after "/docs/<name>/".
                kind = 2 if spanning else 1
                segments.append((kind, -static_len, -len(weights), tuple(weights)))
            else:
                segments.append((0,))
            transitions.append(tuple(piece for piece in content if piece != ""))
            static_len, weights, content = 0, [], []

        for part in parts:
            if isinstance(part, tuple):
                conv = self._converters[part[0]]
                weights.append(conv.weight)
                content.append((conv.regex, conv.weight))
                spanning = spanning or not conv.part_isolating
            elif spanning:
                static_len += len(part)
                content.append(part)
            else:
                pieces = part.split("/")
                static_len += len(pieces[0])
                content.append(pieces[0])
                for piece in pieces[1:]:
                    close()
                    static_len += len(piece)
                    content.append(piece)
        close()
        return tuple(segments)

    def _match(self, path: str, exact: bool = False) -> dict[str, Any] | None:
        """Values if this rule alone matches ``path`` (converters included), else None.

        ``exact`` leaves out a non-strict rule's slash-added form (see ``_ranked_forms``).
        """
        m = (self._exact_regex if exact else self._regex).fullmatch(path)
        if m is None:
            return None
        values = dict(self.defaults) if self.defaults else {}
        try:
            for name, index, to_python in self._slots:
                raw = m.group(index)
                values[name] = raw if to_python is None else to_python(raw)
        except ValidationError:
            return None
        return values

    def _allows(self, method: str) -> bool:
        return self.methods is None or method in self.methods

    def _suitable_for(self, values: Mapping[str, Any], method: str | None) -> bool:
        if method is not None and self.methods is not None and method not in self.methods:
            return False
        # PERF: a loop over the few required names beats a keys-view set comparison.
        for name in self._required:
            if name not in values:
                return False
        if self.defaults:
            for name, value in self.defaults.items():
                if name in values and values[name] != value:
                    return False
        return True

    def _build(self, values: Mapping[str, Any]) -> str:
        if self._build_static is not None:
            return self._build_static
        url = self._build_head
        for name, conv, tail in self._build_vars:
            value = values[name] if name in values else self.defaults[name]  # type: ignore[index]
            url = f"{url}{conv.to_url(value)}{tail}"
        return url

    def __repr__(self) -> str:
        methods = f" ({', '.join(sorted(self.methods))})" if self.methods is not None else ""
        return f"<{type(self).__name__} {self.rule!r}{methods} -> {self.endpoint}>"


# --------------------------------------------------------------------------- map

# A match target: the rule, its defaults (None when it has none) and what a match does:
# _MATCH, _SLASH (redirect to the path with "/" added) or _RULE_REDIRECT (redirect_to, alias).
_Hit = tuple[Rule, dict[str, Any] | None, int]
_MATCH, _SLASH, _RULE_REDIRECT = 0, 1, 2


class _Domains:
    """A Map's rule groups per subdomain (or host) pattern, each with its own match tables."""

    __slots__ = ("dynamic", "static")

    def __init__(self, static: dict[str, Map], dynamic: list[tuple[Rule, Map]]) -> None:
        self.static = static  # exact pattern -> tables
        self.dynamic = dynamic  # (a rule of the pattern, tables), most specific first

    def candidates(self, domain: str) -> Iterator[tuple[Map, dict[str, Any]]]:
        """The groups whose pattern matches ``domain``, in order, with its values."""
        table = self.static.get(domain)
        if table is not None:
            yield table, {}
        for rule, table in self.dynamic:
            values = rule._match_domain(domain)
            if values is not None:
                yield table, values


class _Group:
    """Dynamic rules sharing one rule string (same path, different methods): one alternative."""

    __slots__ = ("fullmatch", "methods", "slots")

    def __init__(
        self,
        methods: dict[str | None, _Hit],
        fullmatch: Callable[[str], re.Match[str] | None] | None,
        slots: list[tuple[str, int, Any]],
    ) -> None:
        self.methods = methods
        self.fullmatch = fullmatch
        self.slots = slots


# One combined regex's fullmatch and, per group index, the rule group its marker belongs to.
_Combined = tuple[Callable[[str], "re.Match[str] | None"], list[_Group | None]]


# PERF: up to this many alternatives, capture variables in the combined regex itself (one regex
# call); beyond it, the capture-free marker form plus a second small regex is faster (measured).
_CAPTURE_LIMIT = 6


def _combine(rules: list[Rule]) -> _Combined:
    """Compile ``rules`` (in priority order) into one regex of alternatives.

    Rules with the same string and other methods share one alternative, so the common case is
    one regex match plus one dict lookup. Small sets wrap each alternative in a group (whose
    index ``m.lastindex`` gives, as it closes last) and capture the variables directly.

    A rule ending in "/" also gets a slashless form ranked where its path without the "/"
    ranks (``_ranked_forms``): a redirect for a strict rule, a match for a non-strict one. A
    non-strict rule without it gets a slash-added form, ranked after the rules of that path.

    PERF: large sets use capture-free alternatives ending in an empty marker "()" whose index is
    ``m.lastindex``; the group's own small regex then extracts the variables. Capturing in a big
    alternation is slower because sre saves every group's marks on each failed alternative.
    """
    members: dict[tuple[str, bool], list[Rule]] = {}
    for rule in rules:
        members.setdefault((rule._path, bool(rule.strict_slashes)), []).append(rule)
    # (rules, form, how many characters of the pattern's end to drop). The slashless forms drop
    # the final "/" (strict) or "/?" (non-strict); a slash-added form drops the "?" of its final
    # "/?", its exact form the whole "/?".
    forms: list[tuple[list[Rule], int, int]] = []
    for same, form in _ranked_forms(list(members.values()), lambda same: same[0]):
        if form == _SLASHED:
            exact = next(i for i in range(len(forms) - 1, -1, -1) if forms[i][0] is same)
            slashes = same[0]._slashes + 1
            between = forms[exact + 1 :]
            if any(_may_take(other[0], kind, cut, slashes) for other, kind, cut in between):
                forms.append((same, form, 1))
            else:
                # PERF: nothing ranked between the exact and the slash-added form can match what
                # the latter does: one alternative with the tolerant pattern, the regex compiled
                # before slash-added forms had a rank of their own.
                forms[exact] = (same, _EXACT, 0)
        elif form == _EXACT:
            forms.append((same, form, 2 if same[0]._slashed else 0))
        else:
            forms.append((same, form, 1 if form == _REDIRECT else 2))
    capture = len(forms) <= _CAPTURE_LIMIT
    alternatives: list[str] = []
    groups: list[_Group | None] = [None]
    for same, form, cut in forms:
        first = same[0]
        pattern = first._regex.pattern[: len(first._regex.pattern) - cut]
        if capture:
            offset = len(groups)  # index of this alternative's wrapping group
            slots = [(name, index + offset, fn) for name, index, fn in first._slots]
            group = _Group({}, None, slots)
            alternatives.append(f"({pattern})")
            groups.append(group)
            groups.extend([None] * first._regex.groups)
        else:
            fullmatch = re.compile(pattern).fullmatch if cut else first._regex.fullmatch
            plain = first._plain_pattern[: len(first._plain_pattern) - cut]
            group = _Group({}, fullmatch, first._slots)
            # user converter regexes may hold their own groups: keep the indexes aligned
            groups.extend([None] * re.compile(plain).groups)
            alternatives.append(f"{plain}()")
            groups.append(group)
        for rule in same:
            _add_hit(group.methods, rule, form == _REDIRECT)
    return re.compile("|".join(alternatives)).fullmatch, groups


def _may_take(rule: Rule, form: int, cut: int, slashes: int) -> bool:
    """Whether ``rule`` in ``form`` (its pattern less ``cut`` characters, see ``_combine``)
    might match a path ending in "/" with ``slashes`` slashes: False only when its pattern
    rules that out (its converters match no "/")."""
    if not all(conv.part_isolating for conv in rule._converters.values()):
        return True
    # (slashes, ends in "/") of the paths the form matches
    own = (rule._slashes, rule._path.endswith("/"))
    slashless = (rule._slashes - 1, rule._path.endswith("//"))
    slashed = (rule._slashes + 1, True)
    if form == _SLASHED:
        shapes = [slashed]
    elif form != _EXACT:
        shapes = [slashless]
    elif cut == 0 and not rule.strict_slashes:  # the tolerant pattern: with or without "/"
        shapes = [own, slashless if own[1] else slashed]
    else:
        shapes = [own]
    return (slashes, True) in shapes


# The forms a rule matches a path in (see _ranked_forms).
_EXACT, _REDIRECT, _SLASHLESS, _SLASHED = 0, 1, 2, 3


def _ranked_forms(items: list[T], rule_of: Callable[[T], Rule]) -> list[tuple[T, int]]:
    """``items`` (in priority order) as the forms they match in, in priority order.

    Every rule matches its own path (``_EXACT``). A rule ending in "/" also answers the path
    without it — a strict one with a redirect (``_REDIRECT``), a non-strict one as a match
    (``_SLASHLESS``) — ranked where that path ranks, after any rule of equal rank, as
    Werkzeug's matcher tries them: "/users/<int:id>/" redirects "/users/5" before "/users/<name>"
    matches it, while "/docs/<path:p>" still matches "/docs/a" before the redirect of
    "/docs/<path:p>/".

    A non-strict rule without a final "/" also answers its path with one (``_SLASHED``), ranked
    after every rule of that path, as Werkzeug tries it once the final "/" led nowhere: for
    "/api/a/", "/api/<x>/" matches before non-strict "/api/<x>" does.
    """
    keyed: list[tuple[tuple[Any, ...], int, int, T, int]] = []
    for index, item in enumerate(items):
        rule = rule_of(item)
        keyed.append((rule._sort_key, 0, index, item, _EXACT))
        if rule._path.endswith("/") and rule._path != "/":
            form = _REDIRECT if rule.strict_slashes else _SLASHLESS
            keyed.append((rule._slashless_sort_key, 1, index, item, form))
        elif rule._slashed:
            keyed.append((rule._slashed_sort_key, 1, index, item, _SLASHED))
    keyed.sort(key=lambda entry: entry[:3])
    return [(item, form) for _, _, _, item, form in keyed]


def _redirects_to_slash(rule: Rule) -> bool:
    """Whether ``rule`` answers its slashless path with a redirect to itself."""
    return bool(rule.strict_slashes) and rule._path.endswith("/") and rule._path != "/"


def _add_hit(table: dict[str | None, _Hit], rule: Rule, redirect: bool) -> None:
    """Register ``rule`` for its methods unless an earlier rule claimed them (first wins)."""
    if None in table:  # an earlier any-method rule takes every method
        return
    action = _SLASH if redirect else _RULE_REDIRECT if rule._redirects else _MATCH
    hit: _Hit = (rule, rule.defaults or None, action)
    if rule.methods is None:
        table.setdefault(None, hit)
    else:
        for method in rule.methods:
            table.setdefault(method, hit)


class Map:
    """The rule registry of an app: ``add`` rules, then ``match`` paths and ``build`` URLs."""

    default_converters: ClassVar[Mapping[str, type[BaseConverter]]] = DEFAULT_CONVERTERS

    def __init__(
        self,
        rules: Iterable[Rule] | None = None,
        strict_slashes: bool = True,
        converters: Mapping[str, type[BaseConverter]] | None = None,
        *,
        default_subdomain: str = "",
        host_matching: bool = False,
        merge_slashes: bool = True,
    ) -> None:
        self._rules: list[Rule] = []
        self._rules_by_endpoint: dict[Any, list[Rule]] = {}
        self.strict_slashes = strict_slashes
        #: A request for "/a//b" that matches no rule redirects to "/a/b" if that matches.
        self.merge_slashes = merge_slashes
        self.converters: dict[str, type[BaseConverter]] = dict(self.default_converters)
        if converters:
            self.converters.update(converters)
        #: The subdomain of rules that set none, and the one ``match`` (no domain) matches in.
        self.default_subdomain = default_subdomain
        self._host_matching = bool(host_matching)
        # Whether requests are routed by their subdomain (the app's subdomain_matching) or
        # host (match_domain), not as requests to the default subdomain (match): see
        # _set_route_by_host.
        self._route_by_host = self._host_matching
        # Whether URLs depend on the subdomain or host: requests are routed by it, or some
        # rule has a subdomain (or host) other than the default. Read by url_for.
        self._domain_aware = self._host_matching
        # _stale: the tables need compiling. _dirty: match() must take its slow entrance (the
        # tables are stale, or the default domain has several rule groups: see _compile).
        self._stale = True
        self._dirty = True
        self._default_multi = False
        # The rule groups per subdomain (or host) pattern, when some rule has a pattern other
        # than the default (see _compile); None when every rule has the default.
        self._domains: _Domains | None = None
        # The Map whose rules these tables hold (the domain groups are Maps of their own).
        self._owner = self
        self._static: dict[str, dict[str | None, _Hit]] = {}
        self._buckets: dict[str, _Combined] = {}
        self._rest: _Combined | None = None
        self._ordered: list[Rule] = []
        for rule in rules or ():
            self.add(rule)

    @property
    def host_matching(self) -> bool:
        """Rules match the request's whole host (their ``host``) instead of its subdomain.

        Set it before adding rules: a rule reads it when added.
        """
        return self._host_matching

    @host_matching.setter
    def host_matching(self, value: bool) -> None:
        self._host_matching = bool(value)
        self._set_route_by_host(self._route_by_host or self._host_matching)
        self._stale = self._dirty = True

    def _set_route_by_host(self, on: bool) -> None:
        """Whether requests are routed by their subdomain or host (set by the app)."""
        self._route_by_host = on
        self._domain_aware = on or any(
            rule._domain_rule != self._default_domain() for rule in self._rules
        )

    def _default_domain(self) -> str:
        """The domain ``match`` (with no domain given) matches in."""
        return "" if self._host_matching else self.default_subdomain

    def add(self, rule: Rule) -> None:
        """Register ``rule``; matching tables are rebuilt lazily on the next ``match``."""
        rule.bind(self)
        self._rules.append(rule)
        rules = self._rules_by_endpoint.setdefault(rule.endpoint, [])
        rules.append(rule)
        # Build candidates: aliases last, then more arguments first, then more defaults
        # (Werkzeug's order), so the rule `"/" defaults={"page": 1}` wins over
        # "/page/<int:page>" for page=1.
        rules.sort(
            key=lambda r: (
                r.alias,
                -len(r.arguments | set(r.defaults or ())),
                -len(r.defaults or ()),
            )
        )
        if rule._domain_rule != self._default_domain():
            self._domain_aware = True
        # PERF: tables compile once, on the first match after the last add.
        self._stale = self._dirty = True

    def iter_rules(self, endpoint: Any = None) -> Iterator[Rule]:
        if endpoint is None:
            return iter(self._rules)
        return (rule for rule in self._rules if rule.endpoint == endpoint)

    def __iter__(self) -> Iterator[Rule]:
        return self.iter_rules()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._rules!r})"

    # ----------------------------------------------------------------------- compiling

    def _compile(self) -> None:
        """Compile the match tables: for ``match``, those of the rules of the default domain.

        When some rule has another subdomain (or host) pattern, the rules are also grouped by
        pattern, each group with tables of its own, tried as Werkzeug's trie tries a request's
        domain: the group of its exact (static) pattern, then the dynamic patterns that match
        it, most specific first.
        """
        matchable = [rule for rule in self._rules if not rule.build_only]
        default = self._default_domain()
        self._domains = None
        self._default_multi = False
        if any(rule._domain_rule != default for rule in matchable):
            groups: dict[str, list[Rule]] = {}
            for rule in matchable:
                groups.setdefault(rule._domain_rule, []).append(rule)
            static: dict[str, Map] = {}
            dynamic: list[tuple[Rule, Map]] = []
            for same in groups.values():
                table = Map(strict_slashes=self.strict_slashes, merge_slashes=False)
                table._owner = self
                table._compile_tables(same)
                table._stale = table._dirty = False
                if same[0]._domain_regex is None:
                    static[same[0]._domain_rule] = table
                else:
                    dynamic.append((same[0], table))
            dynamic.sort(key=lambda entry: entry[0]._domain_key)  # stable: ties keep add order
            self._domains = _Domains(static, dynamic)
            in_default = groups.get(default, [])
            if any(rule._match_domain(default) is not None for rule, _ in dynamic):
                # PERF: a rare setup (a dynamic pattern matching the default subdomain, e.g.
                # "<sub>" with default_subdomain="www"): match() keeps its slow entrance and
                # tries every group, so the common case pays nothing for it.
                self._default_multi = True
                in_default = []
            matchable = in_default
        self._compile_tables(matchable)
        self._stale = False
        self._dirty = self._default_multi

    def _compile_tables(self, rules: list[Rule]) -> None:
        """Compile ``rules`` (all of one domain pattern) into this Map's match tables."""
        # Werkzeug's trie tries the different transitions of equal weight out of one node in the
        # order rules first added them, each with its whole subtree: a dynamic segment's key ends
        # with that order, so "/<x>/..." and "/<any(a,b):x>/..." rank as they do there.
        first_added: dict[tuple[Any, ...], int] = {}
        for index, rule in enumerate(rules):
            key = list(rule._own_sort_key)
            for depth, segment in enumerate(key):
                if segment[0] != 0:
                    node = rule._transitions[: depth + 1]
                    key[depth] = (*segment, first_added.setdefault(node, index))
            rule._rank(tuple(key))
        ordered = sorted(rules, key=lambda r: r._sort_key)  # stable: ties keep add order
        static: dict[str, dict[str | None, _Hit]] = {}
        # Fill in priority order: exact paths, then the other-slash forms of non-strict rules,
        # then redirect markers for strict rules ending in "/" (first registration wins).
        statics = [r for r in rules if r.is_static]
        for rule in statics:
            _add_hit(static.setdefault(rule._path, {}), rule, False)
        for rule in statics:
            if not rule.strict_slashes:
                other = rule._path[:-1] if rule._path.endswith("/") else rule._path + "/"
                if other:
                    _add_hit(static.setdefault(other, {}), rule, False)
        for rule in statics:
            if _redirects_to_slash(rule):
                _add_hit(static.setdefault(rule._path[:-1], {}), rule, True)

        # PERF: dynamic rules are split by their first path segment when it is static text
        # ("/users/<id>" -> "users"): a dict lookup picks the few candidates, so the regex engine
        # never walks the alternatives of unrelated prefixes. Rules with a dynamic first segment
        # sort after all of those (a trie tries static text first), so they are tried last.
        buckets: dict[str, list[Rule]] = {}
        rest: list[Rule] = []
        for rule in ordered:
            if not rule.is_static:
                if rule._first_segment is None:
                    rest.append(rule)
                else:
                    buckets.setdefault(rule._first_segment, []).append(rule)
        self._static = static
        self._buckets = {segment: _combine(group) for segment, group in buckets.items()}
        self._rest = _combine(rest) if rest else None
        self._ordered = ordered
        # The exact scan only ever needs the rules a path could reach (its static rules, its
        # first segment's bucket, the rest): a 404 never walks the whole table.
        self._static_rules: dict[str, list[Rule]] = {}
        for rule in ordered:
            if rule.is_static:
                self._static_rules.setdefault(rule._path, []).append(rule)
                if not rule.strict_slashes and rule._path != "/":
                    other = rule._path[:-1] if rule._path.endswith("/") else rule._path + "/"
                    self._static_rules.setdefault(other, []).append(rule)
        self._bucket_rules = buckets
        self._rest_rules = rest
        self._static_segments = {key[1:].partition("/")[0] for key in self._static_rules}
        self._static_segments.add("")

    # ----------------------------------------------------------------------- matching

    def match(
        self, path: str, method: str, query_string: str | bytes = ""
    ) -> tuple[Rule, dict[str, Any]]:
        """The rule for ``path`` (decoded) and ``method`` with its converted values.

        Matches as for a request to the default subdomain (``match_domain`` takes another
        subdomain, or with ``host_matching`` a host). ``query_string`` (WSGI's latin-1 str or
        ASGI's raw bytes) is only read to build a redirect.

        Raises ``NotFound``, ``MethodNotAllowed`` (with every method the path accepts) or
        ``RequestRedirect`` (to the trailing-slash form of a strict rule, to the path with
        "//" merged, or where a rule's ``redirect_to`` or ``alias`` sends it).
        """
        if self._dirty:
            return self._match_first(path, method, query_string)
        # PERF: static paths are one dict lookup plus one per-method lookup.
        entry = self._static.get(path)
        if entry is not None:
            hit = entry.get(method) or entry.get(None)
            if hit is not None:
                rule, defaults, redirect = hit
                if redirect:
                    values = defaults.copy() if defaults is not None else {}
                    raise self._hit_redirect(redirect, rule, values, path, method, query_string)
                return rule, (defaults.copy() if defaults is not None else {})
        else:
            segment = path[1:].partition("/")[0]
            combined = self._buckets.get(segment)
            m = None
            if combined is not None:
                # PERF: one regex call picks the most specific dynamic rule group.
                m = combined[0](path)
            if m is None and self._rest is not None:
                combined = self._rest
                m = combined[0](path)
            if m is not None:
                assert combined is not None
                group = combined[1][m.lastindex or 0]
                assert group is not None
                hit = group.methods.get(method) or group.methods.get(None)
                if hit is not None:
                    rule, defaults, redirect = hit
                    values = defaults.copy() if defaults is not None else {}
                    if group.fullmatch is not None:  # marker form: capture with the small regex
                        m = group.fullmatch(path)
                        assert m is not None
                    try:
                        for name, index, to_python in group.slots:
                            raw = m.group(index)
                            values[name] = raw if to_python is None else to_python(raw)
                    except ValidationError:
                        pass
                    else:
                        if redirect:
                            raise self._hit_redirect(
                                redirect, rule, values, path, method, query_string
                            )
                        return rule, values
            elif combined is None and (
                segment not in self._static_segments
                or (
                    path not in self._static_rules
                    and path + "/" not in self._static_rules
                    and "//" not in path  # merge_slashes: "/about//" may redirect to "/about/"
                )
            ):
                # PERF: no rule can reach this path, nor its slashed form (same first segment):
                # a plain 404 without the exact scan (scanners and bots probe many such paths).
                # A first segment no static rule has (one set lookup) settles it: neither path
                # can be a static rule's, nor the path with its "//" merged (same segment;
                # "//x" has the segment "", always in the set).
                raise NotFound()
        return self._match_slow(path, method, query_string)

    def _match_first(
        self, path: str, method: str, query_string: str | bytes
    ) -> tuple[Rule, dict[str, Any]]:
        """``match``'s slow entrance: compile stale tables; with several rule groups in the
        default domain (see ``_compile``), match through them."""
        if self._stale:
            self._compile()
        if self._default_multi:
            return self._match_domains(self._default_domain(), path, method, query_string)
        return self.match(path, method, query_string)

    def match_domain(
        self, domain: str, path: str, method: str, query_string: str | bytes = ""
    ) -> tuple[Rule, dict[str, Any]]:
        """``match`` for a request to ``domain``: its subdomain (``""`` for the server name
        itself), or with ``host_matching`` its host (lowercase, with a non-default port).

        The values include those of the rule's subdomain (or host) variables.
        """
        if self._stale:
            self._compile()
        if self._domains is None:  # every rule has the default domain
            if domain == self._default_domain():
                return self.match(path, method, query_string)
            raise NotFound()
        return self._match_domains(domain, path, method, query_string)

    def _match_domains(
        self, domain: str, path: str, method: str, query_string: str | bytes
    ) -> tuple[Rule, dict[str, Any]]:
        """Try the rule groups whose pattern matches ``domain`` in order (as Werkzeug's trie
        does): the first match wins, a redirect ends the search, the 405 methods add up."""
        assert self._domains is not None
        if path[:2] == "//":  # as Werkzeug's adapter: not part of the path
            path = "/" + path.lstrip("/")
        allowed: set[str] = set()
        for attempt in (path, _MULTI_SLASH.sub("/", path)):
            for table, domain_values in self._domains.candidates(domain):
                try:
                    rule, values = table.match(attempt, method, query_string)
                except MethodNotAllowed as error:
                    allowed.update(error.valid_methods or ())
                    continue
                except NotFound:
                    continue
                except RequestRedirect as redirect:
                    if redirect._rule is None:
                        raise  # a trailing-slash redirect
                    rule, values = redirect._rule, redirect._values
                    if attempt is path:
                        # the rule's domain values fill its redirect_to placeholders too
                        raise self._rule_redirect(
                            rule, {**domain_values, **values}, method, query_string, domain
                        ) from None
                if attempt is not path:
                    if not rule.merge_slashes:
                        break
                    raise self._redirect(attempt, query_string)
                if domain_values:
                    # The rule's defaults win over its domain values, as in Werkzeug.
                    values = {**domain_values, **values}
                return rule, values
            if not self.merge_slashes or "//" not in path:
                break
        if allowed:
            raise MethodNotAllowed(valid_methods=sorted(allowed))
        raise NotFound()

    def _match_slow(
        self, path: str, method: str, query_string: str | bytes
    ) -> tuple[Rule, dict[str, Any]]:
        """Exact scan in priority order: used for method mismatches and rejected values only.

        A strict rule ending in "/" that takes this method at "path/" redirects there when it
        ranks before any rule matching ``path`` itself, as in the combined regex; it also wins
        over a 405, as in Werkzeug.
        """
        allowed: set[str] = set()
        slashed = None if path.endswith("/") else path + "/"
        for rule, form in _ranked_forms(self._candidates(path), lambda rule: rule):
            if form != _EXACT and (form == _SLASHED) == (slashed is not None):
                # the slashless forms only answer paths without the final "/", the slash-added
                # form only paths with it
                continue
            if form == _REDIRECT:
                if rule._allows(method) and rule._match(slashed) is not None:  # type: ignore[arg-type]
                    raise self._redirect(slashed, query_string)  # type: ignore[arg-type]
                continue
            values = rule._match(path, exact=form == _EXACT)
            if values is None:
                continue
            if rule._allows(method):
                if rule._redirects:
                    raise self._rule_redirect(rule, values, method, query_string)
                return rule, values
            allowed.update(rule.methods or ())
        # (A static rule of "path/" is not among these candidates: its redirect marker in the
        # static table already answered every method it takes.)
        if path[:2] == "//":
            # As Werkzeug's adapter: slashes before the path's first segment are not part of it.
            return self.match("/" + path.lstrip("/"), method, query_string)
        if self.merge_slashes and "//" in path:
            return self._match_merged(path, method, query_string, allowed)
        if allowed:
            raise MethodNotAllowed(valid_methods=sorted(allowed))
        raise NotFound()

    def _match_merged(
        self, path: str, method: str, query_string: str | bytes, allowed: set[str]
    ) -> tuple[Rule, dict[str, Any]]:
        """``merge_slashes``: ``path`` (with "//") matched nothing; if the path with its
        slashes merged matches a rule that merges slashes, redirect there (as Werkzeug)."""
        merged = _MULTI_SLASH.sub("/", path)
        try:
            rule, _ = self.match(merged, method, query_string)
        except MethodNotAllowed as error:
            allowed.update(error.valid_methods or ())
        except RequestRedirect as redirect:
            if redirect._rule is None:
                raise  # the merged path's trailing-slash redirect
            if redirect._rule.merge_slashes:
                raise self._redirect(merged, query_string) from None
        except NotFound:
            pass
        else:
            if rule.merge_slashes:
                raise self._redirect(merged, query_string)
        if allowed:
            raise MethodNotAllowed(valid_methods=sorted(allowed))
        raise NotFound()

    def _candidates(self, path: str) -> list[Rule]:
        """The rules that could match ``path``, in priority order."""
        end = path.find("/", 1)
        segment = path[1:end] if end > 0 else path[1:]
        statics = self._static_rules.get(path)
        bucket = self._bucket_rules.get(segment)
        if statics is None and bucket is None:
            return self._rest_rules
        candidates = [*(statics or ()), *(bucket or ()), *self._rest_rules]
        candidates.sort(key=lambda r: r._sort_key)
        return candidates

    @staticmethod
    def _redirect(path: str, query_string: str | bytes) -> RequestRedirect:
        """A redirect to ``path`` (this app's; kept with the query string)."""
        url = quote(path, safe=PATH_SAFE)
        query = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
        return RequestRedirect(f"{url}?{query}" if query else url)

    def _hit_redirect(
        self,
        action: int,
        rule: Rule,
        values: dict[str, Any],
        path: str,
        method: str,
        query_string: str | bytes,
    ) -> RequestRedirect:
        """The redirect a matched table entry answers with (see ``_Hit``)."""
        if action == _SLASH:
            return self._redirect(path + "/", query_string)
        return self._rule_redirect(rule, values, method, query_string)

    def _rule_redirect(
        self,
        rule: Rule,
        values: dict[str, Any],
        method: str,
        query_string: str | bytes,
        domain: str | None = None,
    ) -> RequestRedirect:
        """Where a request to ``domain`` (as ``match_domain`` takes it; ``None``: the default
        one) matching ``rule`` (an ``alias`` or one with ``redirect_to``) goes.

        As in Werkzeug: an alias redirects, with the query string, to the URL of its endpoint
        built from the values (by the rule that builds them first, not an alias if there is
        one); ``redirect_to`` gets its ``<name>`` placeholders filled in (a callable is called
        with the Map and the values) and drops the query string. That URL is resolved against
        the app's root (``RequestRedirect.join``): "/new" and "https://x/" as given, "new"
        next to the app's other URLs. An alias whose canonical URL is on another subdomain (or
        host) than ``domain`` names it (``RequestRedirect._domain``): the app makes the URL
        absolute there, as Werkzeug does (a Map used on its own leaves it relative).
        """
        owner = self._owner
        if owner is not self:
            # A domain group's tables: the Map that tried them builds the redirect, with the
            # values of the rule's subdomain (or host) too (see _match_domains).
            redirect = RequestRedirect("")
            redirect._rule = rule
            redirect._values = values
            return redirect
        if rule.alias:
            if all(other.alias for other in owner._rules_by_endpoint[rule.endpoint]):
                raise RuntimeError(
                    f"URL rule {rule.rule!r} is an alias of endpoint {rule.endpoint!r}, which"
                    " has no other rule to redirect to: add its canonical rule (without"
                    " alias=True)"
                )
            elsewhere: str | None = None
            if owner._domain_aware:
                where, url = owner.build_domain(rule.endpoint, values, method, append_unknown=False)
                current = owner._default_domain() if domain is None else domain
                # With host matching a rule without a host is built for the current one.
                if where != current and (where or not owner._host_matching):
                    elsewhere = where
            else:
                url = owner.build(rule.endpoint, values, method, append_unknown=False)
            if isinstance(query_string, bytes):
                query_string = query_string.decode("latin-1")
            redirect = RequestRedirect(f"{url}?{query_string}" if query_string else url)
            redirect._domain = elsewhere
        else:
            target = rule.redirect_to
            if isinstance(target, str):
                converters = {**rule._domain_converters, **rule._converters}

                def fill(match: re.Match[str]) -> str:
                    return converters[match.group(1)].to_url(values[match.group(1)])

                url = _VARIABLE_RE.sub(fill, target)
            else:
                assert target is not None
                url = target(owner, **values)
                if not isinstance(url, str):
                    raise TypeError(
                        f"redirect_to of URL rule {rule.rule!r} returned {url!r}; it must"
                        " return the URL to redirect to, as a str"
                    )
            redirect = RequestRedirect(url)
            redirect._join = True
        redirect._rule = rule
        redirect._values = values
        return redirect

    def is_endpoint_expecting(self, endpoint: Any, *arguments: str) -> bool:
        """Whether some rule of ``endpoint`` takes all ``arguments`` (for ``url_defaults``)."""
        wanted = set(arguments)
        return any(wanted <= rule.arguments for rule in self._rules_by_endpoint.get(endpoint, ()))

    def allowed_methods(self, path: str, domain: str | None = None) -> list[str]:
        """Sorted methods accepted by any rule matching ``path`` (for OPTIONS and 405 Allow),
        in ``domain`` (as ``match_domain`` takes it) or the default one."""
        if self._stale:
            self._compile()
        if domain is None and self._default_multi:
            domain = self._default_domain()
        if domain is not None and self._domains is not None:
            methods: set[str] = set()
            for table, _ in self._domains.candidates(domain):
                methods.update(table.allowed_methods(path))
            return sorted(methods)
        if domain is not None and domain != self._default_domain():
            return []
        allowed: set[str] = set()
        for rule in self._candidates(path):
            if rule.methods is not None and rule._match(path) is not None:
                allowed.update(rule.methods)
        return sorted(allowed)

    # ----------------------------------------------------------------------- building

    def build(
        self,
        endpoint: Any,
        values: Mapping[str, Any] | None = None,
        method: str | None = None,
        append_unknown: bool = True,
    ) -> str:
        """The path (plus ``?query`` of the non-rule values) that reaches ``endpoint``.

        ``None`` values are dropped; lists and tuples repeat their key in the query string.
        """
        rules = self._rules_by_endpoint.get(endpoint)
        if rules is None:
            raise self._build_error(endpoint, values or {}, method, None)
        given = values or {}
        for value in given.values():
            if value is None:  # None means "not given": such values are dropped (rare)
                given = {k: v for k, v in given.items() if v is not None}
                break
        rejected: str | None = None
        for rule in rules:
            if not rule._suitable_for(given, method):
                continue
            try:
                url = rule._build(given)
            except ValueError as exc:
                if rejected is None:
                    rejected = f" Rule {rule.rule!r} rejected a value: {exc}."
                continue
            # PERF: skip query encoding when every value is a path variable.
            if append_unknown and given and not rule.arguments.issuperset(given):
                query = _encode_query(given, rule)
                if query:
                    url = f"{url}?{query}"
            return url
        raise self._build_error(endpoint, given, method, rejected)

    def build_domain(
        self,
        endpoint: Any,
        values: Mapping[str, Any] | None = None,
        method: str | None = None,
        append_unknown: bool = True,
        prefer: str | None = None,
    ) -> tuple[str, str]:
        """``build``, with the URL's subdomain (with ``host_matching``, its host) first:
        ``(domain, path)``. The domain has the rule's variables filled in (they are not in the
        query string); ``prefer`` (with host matching: the current host) makes the first rule
        building a URL of that domain win over earlier ones, as in Werkzeug.
        """
        rules = self._rules_by_endpoint.get(endpoint)
        if rules is None:
            raise self._build_error(endpoint, values or {}, method, None)
        given = {k: v for k, v in (values or {}).items() if v is not None}
        rejected: str | None = None
        first: tuple[str, str] | None = None
        for rule in rules:
            if not rule._suitable_for(given, method):
                continue
            try:
                url = rule._build(given)
                domain = rule._build_domain(given)
            except ValueError as exc:
                if rejected is None:
                    rejected = f" Rule {rule.rule!r} rejected a value: {exc}."
                continue
            if append_unknown and given and not rule.arguments.issuperset(given):
                query = _encode_query(given, rule)
                if query:
                    url = f"{url}?{query}"
            if prefer is None or domain == prefer:
                return domain, url
            if first is None:
                first = (domain, url)
        if first is not None:
            return first
        raise self._build_error(endpoint, given, method, rejected)

    def _build_error(
        self, endpoint: Any, values: Mapping[str, Any], method: str | None, rejected: str | None
    ) -> BuildError:
        head = _build_error_head(endpoint, values, method)
        rules = self._rules_by_endpoint.get(endpoint)
        if rules is None:
            names = [str(r.endpoint) for r in self._rules if r.endpoint is not None]
            close = difflib.get_close_matches(str(endpoint), names, n=1)
            if close:
                hint = f" Did you mean {close[0]!r} instead?"
            else:
                hint = " No rule has this endpoint; check its name or register a rule for it."
            return BuildError(endpoint, values, method, head + hint)
        if rejected is not None:
            return BuildError(endpoint, values, method, head + rejected)
        if method is not None and not any(r._allows(method) for r in rules):
            accepted: set[str] = set()
            for r in rules:
                accepted.update(r.methods or ())
            hint = f" Did you mean to use methods {sorted(accepted)!r}?"
            return BuildError(endpoint, values, method, head + hint)
        candidates = [r for r in rules if method is None or r._allows(method)]
        missing = min(
            (sorted(r.arguments - set(values) - set(r.defaults or ())) for r in candidates),
            key=len,
        )
        if missing:
            hint = f" Did you forget to specify values {missing!r}?"
        else:
            fixed = "; ".join(f"{r.rule!r} has defaults {r.defaults!r}" for r in candidates)
            hint = f" The values conflict with the defaults of its rules: {fixed}."
        return BuildError(endpoint, values, method, head + hint)


def _encode_query(values: Mapping[str, Any], rule: Rule) -> str:
    """Encode the values that are not part of ``rule`` as a query string (insertion order)."""
    skip = rule._not_query
    plain = _QUERY_PLAIN
    parts: list[str] = []
    for key, value in values.items():
        if key in skip:
            continue
        # PERF: str keys/values and ints are handled inline; only odd ones take the call.
        # (isascii() and isalnum() are flag checks in C: most keys and values are words.)
        if type(key) is str and ((key.isascii() and key.isalnum()) or plain(key) is not None):
            name = key
        else:
            name = _quote_query(key)
        kind = type(value)
        if kind is str:
            if (value.isascii() and value.isalnum()) or plain(value) is not None:
                text = value
            else:
                text = quote_plus(value, safe=_QUERY_SAFE)
        elif kind is int:
            text = str(value)
        elif isinstance(value, list | tuple | set):
            parts.extend(f"{name}={_quote_query(v)}" for v in value if v is not None)
            continue
        else:
            text = _quote_query(value)
        parts.append(f"{name}={text}")
    return "&".join(parts)


# What quote_plus(safe=_QUERY_SAFE) leaves unchanged: unreserved characters and the safe set.
_QUERY_PLAIN = re.compile(r"[A-Za-z0-9_.~!$'()*,/:;?@-]*").fullmatch


def _quote_query(value: Any) -> str:
    """``urlencode``'s quoting of one key or value (spaces as "+"), done in place of it."""
    if isinstance(value, bytes | bytearray):
        return quote_plus(bytes(value), safe=_QUERY_SAFE)
    text = value if type(value) is str else str(value)
    # PERF: most keys and values (words, numbers) need no escaping; a regex check beats
    # quote_plus() several times, and urlencode() builds tuples we do not need.
    if (text.isascii() and text.isalnum()) or _QUERY_PLAIN(text) is not None:
        return text
    return quote_plus(text, safe=_QUERY_SAFE)
