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
    parts: list[str | _Variable] = []
    seen: set[str] = set()
    pos = 0
    for match in _VARIABLE_RE.finditer(rule):
        parts.append(rule[pos : match.start()])
        body = _VARIABLE_BODY_RE.fullmatch(match.group(1))
        if body is None:
            raise ValueError(
                f"URL rule {rule!r} has a malformed variable {match.group(0)!r}: write <name>,"
                " <converter:name> or <converter(args):name> using Python identifiers"
            )
        name = body.group("name")
        if name in seen:
            raise ValueError(
                f"URL rule {rule!r} uses the variable name {name!r} twice;"
                " give each variable its own name"
            )
        seen.add(name)
        argstr = body.group("args")
        try:
            args, kwargs = parse_converter_args(argstr) if argstr else ((), {})
        except ValueError as exc:
            raise ValueError(f"URL rule {rule!r}: {exc}") from None
        parts.append((name, body.group("converter") or "default", args, kwargs))
        pos = match.end()
    parts.append(rule[pos:])
    for part in parts:
        if isinstance(part, str) and "<" in part:
            raise ValueError(
                f"URL rule {rule!r} has a '<' that does not open a <variable>;"
                " close it with '>' or remove it"
            )
    return [part for part in parts if part != ""]


# --------------------------------------------------------------------------- rules


class Rule:
    """One URL pattern mapped to an endpoint, e.g. ``Rule("/user/<int:id>", endpoint="user")``.

    The string is parsed immediately (syntax errors surface where the rule is written);
    converters are looked up when the rule is added to a ``Map``, which owns the registry.
    """

    def __init__(
        self,
        string: str,
        endpoint: Any = None,
        methods: Iterable[str] | None = None,
        strict_slashes: bool | None = None,
        defaults: Mapping[str, Any] | None = None,
        provide_automatic_options: bool | None = None,
        **ignored_kwargs: Any,
    ) -> None:
        self._parts = _parse_rule(string)
        self.rule = string
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
        self.defaults: dict[str, Any] | None = dict(defaults) if defaults is not None else None
        self.provide_automatic_options = provide_automatic_options
        self.arguments: set[str] = {part[0] for part in self._parts if isinstance(part, tuple)}
        self.is_static = not self.arguments
        self._required = frozenset(self.arguments - set(self.defaults or ()))
        self.map: Map | None = None
        self._converters: dict[str, BaseConverter] = {}

    def bind(self, map: Map) -> None:
        """Attach to ``map``: instantiate converters and precompile matching and building."""
        if self.map is not None and self.map is not map:
            raise RuntimeError(
                f"{self!r} is already added to another Map; create a new Rule for this one"
            )
        self.map = map
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        converters: dict[str, BaseConverter] = {}
        for part in self._parts:
            if isinstance(part, tuple):
                name, conv_name, args, kwargs = part
                conv_cls = map.converters.get(conv_name)
                if conv_cls is None:
                    known = ", ".join(sorted(map.converters))
                    raise ValueError(
                        f"URL rule {self.rule!r} uses unknown converter {conv_name!r}; known"
                        f" converters: {known}. Register custom ones first with"
                        f" app.url_map.converters[{conv_name!r}] = YourConverter"
                    )
                try:
                    converters[name] = conv_cls(map, *args, **kwargs)
                except (TypeError, ValueError) as exc:
                    raise ValueError(
                        f"URL rule {self.rule!r}: bad arguments for converter {conv_name!r}"
                        f" of variable {name!r}: {exc}"
                    ) from None
        self._converters = converters
        self._compile()

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
        self._build_static: str | None = self.rule if self.is_static else None
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
            and not self.rule.endswith("/")
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
        if self.rule.endswith("/") and self.rule != "/":
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
        return (pattern[:-1] if self.rule.endswith("/") else pattern) + "/?"

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

# A match target: the rule and its defaults (None when it has none).
_Hit = tuple[Rule, dict[str, Any] | None, bool]


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
        members.setdefault((rule.rule, bool(rule.strict_slashes)), []).append(rule)
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
    own = (rule._slashes, rule.rule.endswith("/"))
    slashless = (rule._slashes - 1, rule.rule.endswith("//"))
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
        if rule.rule.endswith("/") and rule.rule != "/":
            form = _REDIRECT if rule.strict_slashes else _SLASHLESS
            keyed.append((rule._slashless_sort_key, 1, index, item, form))
        elif rule._slashed:
            keyed.append((rule._slashed_sort_key, 1, index, item, _SLASHED))
    keyed.sort(key=lambda entry: entry[:3])
    return [(item, form) for _, _, _, item, form in keyed]


def _redirects_to_slash(rule: Rule) -> bool:
    """Whether ``rule`` answers its slashless path with a redirect to itself."""
    return bool(rule.strict_slashes) and rule.rule.endswith("/") and rule.rule != "/"


def _add_hit(table: dict[str | None, _Hit], rule: Rule, redirect: bool) -> None:
    """Register ``rule`` for its methods unless an earlier rule claimed them (first wins)."""
    if None in table:  # an earlier any-method rule takes every method
        return
    hit: _Hit = (rule, rule.defaults or None, redirect)
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
    ) -> None:
        self._rules: list[Rule] = []
        self._rules_by_endpoint: dict[Any, list[Rule]] = {}
        self.strict_slashes = strict_slashes
        self.converters: dict[str, type[BaseConverter]] = dict(self.default_converters)
        if converters:
            self.converters.update(converters)
        self._dirty = True
        self._static: dict[str, dict[str | None, _Hit]] = {}
        self._buckets: dict[str, _Combined] = {}
        self._rest: _Combined | None = None
        self._ordered: list[Rule] = []
        for rule in rules or ():
            self.add(rule)

    def add(self, rule: Rule) -> None:
        """Register ``rule``; matching tables are rebuilt lazily on the next ``match``."""
        rule.bind(self)
        self._rules.append(rule)
        rules = self._rules_by_endpoint.setdefault(rule.endpoint, [])
        rules.append(rule)
        # Build candidates: more arguments first, then more defaults (Werkzeug's order), so the
        # rule `"/" defaults={"page": 1}` wins over "/page/<int:page>" for page=1.
        rules.sort(
            key=lambda r: (-len(r.arguments | set(r.defaults or ())), -len(r.defaults or ()))
        )
        # PERF: tables compile once, on the first match after the last add.
        self._dirty = True

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
        # Werkzeug's trie tries the different transitions of equal weight out of one node in the
        # order rules first added them, each with its whole subtree: a dynamic segment's key ends
        # with that order, so "/<x>/..." and "/<any(a,b):x>/..." rank as they do there.
        first_added: dict[tuple[Any, ...], int] = {}
        for index, rule in enumerate(self._rules):
            key = list(rule._own_sort_key)
            for depth, segment in enumerate(key):
                if segment[0] != 0:
                    node = rule._transitions[: depth + 1]
                    key[depth] = (*segment, first_added.setdefault(node, index))
            rule._rank(tuple(key))
        ordered = sorted(self._rules, key=lambda r: r._sort_key)  # stable: ties keep add order
        static: dict[str, dict[str | None, _Hit]] = {}
        # Fill in priority order: exact paths, then the other-slash forms of non-strict rules,
        # then redirect markers for strict rules ending in "/" (first registration wins).
        statics = [r for r in self._rules if r.is_static]
        for rule in statics:
            _add_hit(static.setdefault(rule.rule, {}), rule, False)
        for rule in statics:
            if not rule.strict_slashes:
                other = rule.rule[:-1] if rule.rule.endswith("/") else rule.rule + "/"
                if other:
                    _add_hit(static.setdefault(other, {}), rule, False)
        for rule in statics:
            if _redirects_to_slash(rule):
                _add_hit(static.setdefault(rule.rule[:-1], {}), rule, True)

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
        self._buckets = {segment: _combine(rules) for segment, rules in buckets.items()}
        self._rest = _combine(rest) if rest else None
        self._ordered = ordered
        # The exact scan only ever needs the rules a path could reach (its static rules, its
        # first segment's bucket, the rest): a 404 never walks the whole table.
        self._static_rules: dict[str, list[Rule]] = {}
        for rule in ordered:
            if rule.is_static:
                self._static_rules.setdefault(rule.rule, []).append(rule)
                if not rule.strict_slashes and rule.rule != "/":
                    other = rule.rule[:-1] if rule.rule.endswith("/") else rule.rule + "/"
                    self._static_rules.setdefault(other, []).append(rule)
        self._bucket_rules = buckets
        self._rest_rules = rest
        self._dirty = False

    # ----------------------------------------------------------------------- matching

    def match(
        self, path: str, method: str, query_string: str | bytes = ""
    ) -> tuple[Rule, dict[str, Any]]:
        """The rule for ``path`` (decoded) and ``method`` with its converted values.

        ``query_string`` (WSGI's latin-1 str or ASGI's raw bytes) is only read to build a
        redirect.

        Raises ``NotFound``, ``MethodNotAllowed`` (with every method the path accepts) or
        ``RequestRedirect`` (to the trailing-slash form of a strict rule).
        """
        if self._dirty:
            self._compile()
        # PERF: static paths are one dict lookup plus one per-method lookup.
        entry = self._static.get(path)
        if entry is not None:
            hit = entry.get(method) or entry.get(None)
            if hit is not None:
                rule, defaults, redirect = hit
                if redirect:
                    raise self._redirect(path, query_string)
                return rule, (defaults.copy() if defaults is not None else {})
        else:
            combined = self._buckets.get(path[1:].partition("/")[0])
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
                            raise self._redirect(path, query_string)
                        return rule, values
            elif (
                combined is None
                and path not in self._static_rules
                and path + "/" not in self._static_rules
            ):
                # PERF: no rule can reach this path, nor its slashed form (same first segment):
                # a plain 404 without the exact scan (scanners and bots probe many such paths).
                raise NotFound()
        return self._match_slow(path, method, query_string)

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
                    raise self._redirect(path, query_string)
                continue
            values = rule._match(path, exact=form == _EXACT)
            if values is None:
                continue
            if rule._allows(method):
                return rule, values
            allowed.update(rule.methods or ())
        # (A static rule of "path/" is not among these candidates: its redirect marker in the
        # static table already answered every method it takes.)
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
        url = quote(path + "/", safe=PATH_SAFE)
        query = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
        return RequestRedirect(f"{url}?{query}" if query else url)

    def is_endpoint_expecting(self, endpoint: Any, *arguments: str) -> bool:
        """Whether some rule of ``endpoint`` takes all ``arguments`` (for ``url_defaults``)."""
        wanted = set(arguments)
        return any(wanted <= rule.arguments for rule in self._rules_by_endpoint.get(endpoint, ()))

    def allowed_methods(self, path: str) -> list[str]:
        """Sorted methods accepted by any rule matching ``path`` (for OPTIONS and 405 Allow)."""
        if self._dirty:
            self._compile()
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
