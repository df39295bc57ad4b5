"""Tests for tray.routing: converters, matching order, 404/405/308, and URL building."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tray import Flask
from tray.exceptions import HTTPException, MethodNotAllowed, NotFound
from tray.routing import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    BaseConverter,
    BuildError,
    FloatConverter,
    IntegerConverter,
    Map,
    PathConverter,
    RequestRedirect,
    RoutingException,
    Rule,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
    parse_converter_args,
)


def make(*rules: Rule, **kwargs: Any) -> Map:
    return Map(list(rules), **kwargs)


def endpoint(url_map: Map, path: str, method: str = "GET") -> tuple[Any, dict[str, Any]]:
    rule, values = url_map.match(path, method)
    return rule.endpoint, values


# --------------------------------------------------------------------------- converters


def test_default_converters_registry() -> None:
    assert {
        "default": UnicodeConverter,
        "string": UnicodeConverter,
        "any": AnyConverter,
        "path": PathConverter,
        "int": IntegerConverter,
        "float": FloatConverter,
        "uuid": UUIDConverter,
    } == DEFAULT_CONVERTERS
    url_map = Map()
    assert url_map.converters == DEFAULT_CONVERTERS
    assert url_map.converters is not DEFAULT_CONVERTERS


def test_base_converter_defaults() -> None:
    conv = BaseConverter(Map())
    assert (conv.regex, conv.weight, conv.part_isolating) == ("[^/]+", 100, True)
    assert conv.to_python("x y") == "x y"
    assert conv.to_url("abc-DEF_1.2~") == "abc-DEF_1.2~"
    assert conv.to_url("a b/c?d&é") == "a%20b/c%3Fd&%C3%A9"
    assert conv.to_url("%+~!$'()*,;=:@[]#") == "%25+~!$'()*,;=:@%5B%5D%23"
    assert conv.to_url(12) == "12"


def test_part_isolating_follows_class_regex() -> None:
    class Slashy(BaseConverter):
        regex = "[a-z/]+"

    class Plain(BaseConverter):
        regex = "[a-z]+"

    class Explicit(BaseConverter):
        regex = "a/b"
        part_isolating = True

    assert (Slashy.part_isolating, Plain.part_isolating, Explicit.part_isolating) == (
        False,
        True,
        True,
    )


def test_string_converter() -> None:
    url_map = make(Rule("/p/<name>", endpoint="p"), Rule("/s/<string:name>", endpoint="s"))
    assert endpoint(url_map, "/p/hello world") == ("p", {"name": "hello world"})
    assert endpoint(url_map, "/s/é") == ("s", {"name": "é"})
    with pytest.raises(NotFound):
        url_map.match("/p/a/b", "GET")
    with pytest.raises(NotFound):
        url_map.match("/p/", "GET")


def test_string_converter_lengths() -> None:
    url_map = make(
        Rule("/l/<string(length=2):c>", endpoint="exact"),
        Rule("/m/<string(minlength=2, maxlength=3):c>", endpoint="range"),
        Rule("/n/<string(minlength=3):c>", endpoint="min"),
    )
    assert endpoint(url_map, "/l/de") == ("exact", {"c": "de"})
    assert endpoint(url_map, "/m/abc") == ("range", {"c": "abc"})
    assert endpoint(url_map, "/n/abcdef") == ("min", {"c": "abcdef"})
    for path in ("/l/d", "/l/deu", "/m/a", "/m/abcd", "/n/ab"):
        with pytest.raises(NotFound):
            url_map.match(path, "GET")


def test_path_converter() -> None:
    url_map = make(
        Rule("/files/<path:name>", endpoint="files"),
        Rule("/<path:page>/edit", endpoint="edit"),
        Rule("/<path:page>", endpoint="page"),
    )
    assert endpoint(url_map, "/files/a/b/c.txt") == ("files", {"name": "a/b/c.txt"})
    assert endpoint(url_map, "/x/y/edit") == ("edit", {"page": "x/y"})
    assert endpoint(url_map, "/x/y") == ("page", {"page": "x/y"})
    # the path value cannot start with "/", so the catch-all takes it
    assert endpoint(url_map, "/files//a") == ("page", {"page": "files//a"})
    assert url_map.build("files", {"name": "a b/c.txt"}) == "/files/a%20b/c.txt"
    assert PathConverter.part_isolating is False
    assert PathConverter.weight == 200


def test_int_converter() -> None:
    url_map = make(
        Rule("/i/<int:n>", endpoint="plain"),
        Rule("/f/<int(fixed_digits=3):n>", endpoint="fixed"),
        Rule("/r/<int(min=1, max=10):n>", endpoint="range"),
        Rule("/s/<int(signed=True):n>", endpoint="signed"),
    )
    assert endpoint(url_map, "/i/42") == ("plain", {"n": 42})
    assert endpoint(url_map, "/f/007") == ("fixed", {"n": 7})
    assert endpoint(url_map, "/r/10") == ("range", {"n": 10})
    assert endpoint(url_map, "/s/-5") == ("signed", {"n": -5})
    assert endpoint(url_map, "/s/5") == ("signed", {"n": 5})
    for path in ("/i/-1", "/i/1.5", "/i/x", "/f/07", "/f/0007", "/r/0", "/r/11"):
        with pytest.raises(NotFound):
            url_map.match(path, "GET")
    assert url_map.build("plain", {"n": 3}) == "/i/3"
    assert url_map.build("plain", {"n": "12"}) == "/i/12"
    assert url_map.build("fixed", {"n": 7}) == "/f/007"
    assert url_map.build("signed", {"n": -5}) == "/s/-5"


def test_float_converter() -> None:
    url_map = make(
        Rule("/f/<float:v>", endpoint="plain"),
        Rule("/s/<float(signed=True, max=0.5):v>", endpoint="signed"),
        Rule("/m/<float(min=1.5):v>", endpoint="min"),
    )
    assert endpoint(url_map, "/f/1.5") == ("plain", {"v": 1.5})
    assert endpoint(url_map, "/s/-2.25") == ("signed", {"v": -2.25})
    assert endpoint(url_map, "/m/1.5") == ("min", {"v": 1.5})
    for path in ("/f/1", "/f/-1.5", "/f/.5", "/s/0.75", "/m/1.25"):
        with pytest.raises(NotFound):
            url_map.match(path, "GET")
    assert url_map.build("plain", {"v": 0.25}) == "/f/0.25"
    assert url_map.build("signed", {"v": -1.0}) == "/s/-1.0"


def test_uuid_converter() -> None:
    value = uuid.UUID("12345678-1234-5678-9abc-def012345678")
    url_map = make(Rule("/o/<uuid:id>", endpoint="o"))
    assert endpoint(url_map, "/o/12345678-1234-5678-9ABC-DEF012345678") == ("o", {"id": value})
    with pytest.raises(NotFound):
        url_map.match("/o/12345678123456789abcdef012345678", "GET")
    assert url_map.build("o", {"id": value}) == "/o/12345678-1234-5678-9abc-def012345678"


def test_any_converter() -> None:
    url_map = make(Rule("/<any(about, help, 'a,b', c.d):page>", endpoint="page"))
    assert endpoint(url_map, "/about") == ("page", {"page": "about"})
    assert endpoint(url_map, "/a,b") == ("page", {"page": "a,b"})
    assert endpoint(url_map, "/c.d") == ("page", {"page": "c.d"})
    with pytest.raises(NotFound):
        url_map.match("/cxd", "GET")
    assert url_map.build("page", {"page": "help"}) == "/help"
    with pytest.raises(BuildError) as info:
        url_map.build("page", {"page": "nope"})
    assert str(info.value) == (
        "Could not build url for endpoint 'page' with values ['page']. Rule"
        " \"/<any(about, help, 'a,b', c.d):page>\" rejected a value:"
        " 'nope' is not one of 'a,b', 'about', 'c.d', 'help'."
    )


def test_any_converter_needs_items() -> None:
    with pytest.raises(ValueError) as info:
        Map([Rule("/<any:page>", endpoint="x")])
    assert str(info.value) == (
        "URL rule '/<any:page>': bad arguments for converter 'any' of variable 'page':"
        " any() needs at least one item, e.g. <any(about, help):page>"
    )


def test_unsigned_number_rejects_negative_when_building() -> None:
    url_map = make(Rule("/i/<int:n>", endpoint="i"))
    with pytest.raises(BuildError) as info:
        url_map.build("i", {"n": -3})
    assert str(info.value) == (
        "Could not build url for endpoint 'i' with values ['n']. Rule '/i/<int:n>' rejected a"
        " value: -3 is negative; the converter needs signed=True."
    )


def test_int_converter_to_python_errors_are_validation_errors() -> None:
    conv = IntegerConverter(Map(), fixed_digits=2, min=3, max=50)
    assert conv.to_python("07") == 7
    with pytest.raises(ValidationError, match=r"^'7' does not have 2 digits$"):
        conv.to_python("7")
    with pytest.raises(ValidationError, match=r"^2 is outside \[3, 50\]$"):
        conv.to_python("02")
    with pytest.raises(ValidationError, match=r"^51 is outside \[3, 50\]$"):
        conv.to_python("51")


def test_custom_converter_registration() -> None:
    class ListConverter(BaseConverter):
        regex = r"[a-z]+(?:,[a-z]+)*"
        weight = 60

        def to_python(self, value: str) -> list[str]:
            return value.split(",")

        def to_url(self, value: Any) -> str:
            return ",".join(value)

    url_map = Map()
    url_map.converters["list"] = ListConverter
    url_map.add(Rule("/tags/<list:tags>", endpoint="tags"))
    assert endpoint(url_map, "/tags/a,b,c") == ("tags", {"tags": ["a", "b", "c"]})
    assert url_map.build("tags", {"tags": ["x", "y"]}) == "/tags/x,y"
    assert Map(converters={"list": ListConverter}).converters["list"] is ListConverter
    assert "list" not in Map().converters


def test_custom_converter_with_args_and_capturing_regex() -> None:
    class Choice(BaseConverter):
        def __init__(self, map: Map, *items: str, upper: bool = False) -> None:
            super().__init__(map)
            self.regex = "(" + "|".join(items) + ")"
            self.upper = upper

        def to_python(self, value: str) -> str:
            return value.upper() if self.upper else value

    url_map = Map(converters={"choice": Choice})
    url_map.add(Rule("/c/<choice(red, blue, upper=True):c>/<int:n>", endpoint="c"))
    url_map.add(Rule("/c/<choice(x, y):c>/<name>/end", endpoint="d"))
    assert endpoint(url_map, "/c/blue/3") == ("c", {"c": "BLUE", "n": 3})
    assert endpoint(url_map, "/c/y/z/end") == ("d", {"c": "y", "name": "z"})


def test_validation_error_tries_next_rule() -> None:
    class EvenConverter(BaseConverter):
        regex = r"\d+"
        weight = 10

        def to_python(self, value: str) -> int:
            if int(value) % 2:
                raise ValidationError(f"{value} is odd")
            return int(value)

    url_map = Map(converters={"even": EvenConverter})
    url_map.add(Rule("/n/<even:n>", endpoint="even"))
    url_map.add(Rule("/n/<int:n>", endpoint="odd"))
    url_map.add(Rule("/m/<even:n>", endpoint="only_even"))
    assert endpoint(url_map, "/n/4") == ("even", {"n": 4})
    assert endpoint(url_map, "/n/5") == ("odd", {"n": 5})
    with pytest.raises(NotFound):
        url_map.match("/m/5", "GET")
    assert url_map.allowed_methods("/m/5") == []


def test_converter_args_parsing() -> None:
    assert parse_converter_args("") == ((), {})
    assert parse_converter_args("about, help, 'a,b', \"x y\"") == (
        ("about", "help", "a,b", "x y"),
        {},
    )
    assert parse_converter_args("1, 2.5, True, False, None, min=-3, name = 'v' ,") == (
        (1, 2.5, True, False, None),
        {"min": -3, "name": "v"},
    )
    with pytest.raises(ValueError) as info:
        parse_converter_args("a, (b)")
    assert str(info.value) == (
        "cannot parse converter argument '(b)': write values like 1, 2.5, True, name or"
        " 'quoted string', optionally as key=value"
    )


# --------------------------------------------------------------------------- rules


def test_rule_attributes() -> None:
    rule = Rule(
        "/user/<int:id>/<name>",
        endpoint="user",
        methods=["get", "post"],
        defaults={"tab": "home"},
        provide_automatic_options=False,
        subdomain="ignored",
    )
    assert rule.rule == "/user/<int:id>/<name>"
    assert rule.endpoint == "user"
    assert rule.methods == {"GET", "HEAD", "POST"}
    assert rule.arguments == {"id", "name"}
    assert rule.defaults == {"tab": "home"}
    assert rule.strict_slashes is None
    assert rule.provide_automatic_options is False
    assert rule.is_static is False
    assert rule.map is None
    static = Rule("/about", endpoint="about", methods=["POST"])
    assert static.methods == {"POST"}
    assert static.is_static is True
    assert static.arguments == set()
    assert Rule("/any").methods is None
    url_map = make(static, strict_slashes=False)
    assert static.map is url_map
    assert static.strict_slashes is False


def test_rule_repr() -> None:
    rule = Rule("/user/<username>", endpoint="profile", methods=["GET", "OPTIONS"])
    assert repr(rule) == "<Rule '/user/<username>' (GET, HEAD, OPTIONS) -> profile>"
    assert repr(Rule("/x", endpoint="x")) == "<Rule '/x' -> x>"
    url_map = make(rule, Rule("/", endpoint="index", methods=["POST"]))
    assert repr(url_map) == (
        "Map([<Rule '/user/<username>' (GET, HEAD, OPTIONS) -> profile>,"
        " <Rule '/' (POST) -> index>])"
    )


@pytest.mark.parametrize(
    ("string", "message"),
    [
        ("user", "URL rule 'user' must start with '/': use '/user'"),
        (
            "/a/<int:>",
            "URL rule '/a/<int:>' has a malformed variable '<int:>': write <name>,"
            " <converter:name> or <converter(args):name> using Python identifiers",
        ),
        (
            "/a/<1x>",
            "URL rule '/a/<1x>' has a malformed variable '<1x>': write <name>,"
            " <converter:name> or <converter(args):name> using Python identifiers",
        ),
        (
            "/a/<x",
            "URL rule '/a/<x' has a '<' that does not open a <variable>; close it with '>'"
            " or remove it",
        ),
        (
            "/a/<x>/<int:x>",
            "URL rule '/a/<x>/<int:x>' uses the variable name 'x' twice; give each variable"
            " its own name",
        ),
        (
            "/a/<int(min=(1)):x>",
            "URL rule '/a/<int(min=(1)):x>': cannot parse converter argument 'min=(1)': write"
            " values like 1, 2.5, True, name or 'quoted string', optionally as key=value",
        ),
    ],
)
def test_invalid_rule_strings(string: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        Rule(string, endpoint="x")
    assert str(info.value) == message


def test_rule_must_be_a_string() -> None:
    with pytest.raises(TypeError) as info:
        Rule(b"/x", endpoint="x")  # type: ignore[arg-type]
    assert str(info.value) == "URL rule must be a str like '/users/<int:id>', not b'/x'"


def test_methods_as_string_is_rejected() -> None:
    with pytest.raises(TypeError) as info:
        Rule("/x", methods="GET")
    assert str(info.value) == (
        "methods must be a list of method names like ['GET'], not the string 'GET'"
    )


def test_unknown_converter() -> None:
    with pytest.raises(ValueError) as info:
        Map([Rule("/x/<slug:s>", endpoint="x")])
    assert str(info.value) == (
        "URL rule '/x/<slug:s>' uses unknown converter 'slug'; known converters: any, default,"
        " float, int, path, string, uuid. Register custom ones first with"
        " app.url_map.converters['slug'] = YourConverter"
    )


def test_bad_converter_arguments() -> None:
    with pytest.raises(ValueError) as info:
        Map([Rule("/x/<int(maximum=3):n>", endpoint="x")])
    assert str(info.value).startswith(
        "URL rule '/x/<int(maximum=3):n>': bad arguments for converter 'int' of variable 'n': "
    )
    assert "maximum" in str(info.value)


def test_rule_cannot_join_two_maps() -> None:
    rule = Rule("/x", endpoint="x")
    first = make(rule)
    first.add(Rule("/y", endpoint="y"))
    with pytest.raises(RuntimeError) as info:
        Map([rule])
    assert str(info.value) == (
        "<Rule '/x' -> x> is already added to another Map; create a new Rule for this one"
    )


def test_gt_in_static_text_is_allowed() -> None:
    url_map = make(Rule("/a>b", endpoint="x"))
    assert endpoint(url_map, "/a>b") == ("x", {})


# --------------------------------------------------------------------------- map basics


def test_iter_rules() -> None:
    a = Rule("/a", endpoint="a")
    b1 = Rule("/b", endpoint="b")
    b2 = Rule("/b/<int:n>", endpoint="b")
    url_map = make(a, b1, b2)
    assert list(url_map.iter_rules()) == [a, b1, b2]
    assert list(url_map) == [a, b1, b2]
    assert url_map._rules == [a, b1, b2]
    assert list(url_map.iter_rules("b")) == [b1, b2]
    assert list(url_map.iter_rules("missing")) == []


# --------------------------------------------------------------------------- matching


def test_static_match_returns_fresh_dicts() -> None:
    url_map = make(Rule("/", endpoint="index"), Rule("/d", endpoint="d", defaults={"x": 1}))
    rule, values = url_map.match("/", "GET")
    assert (rule.endpoint, values) == ("index", {})
    values["mutated"] = True
    assert url_map.match("/", "GET")[1] == {}
    _, values = url_map.match("/d", "GET")
    assert values == {"x": 1}
    values["x"] = 2
    assert url_map.match("/d", "GET")[1] == {"x": 1}


def test_static_beats_dynamic_regardless_of_order() -> None:
    url_map = make(
        Rule("/user/<name>", endpoint="profile"),
        Rule("/user/new", endpoint="new"),
    )
    assert endpoint(url_map, "/user/new") == ("new", {})
    assert endpoint(url_map, "/user/bob") == ("profile", {"name": "bob"})


def test_typed_converter_beats_string() -> None:
    url_map = make(Rule("/x/<name>", endpoint="name"), Rule("/x/<int:id>", endpoint="id"))
    assert endpoint(url_map, "/x/12") == ("id", {"id": 12})
    assert endpoint(url_map, "/x/ab") == ("name", {"name": "ab"})


def test_specificity_order() -> None:
    url_map = make(
        Rule("/<a>", endpoint="one"),
        Rule("/<a>.<b>", endpoint="two"),
        Rule("/<a>.json", endpoint="json"),
        Rule("/<a>/b", endpoint="var_first"),
        Rule("/a/<b>", endpoint="static_first"),
        Rule("/<path:p>", endpoint="path"),
    )
    assert endpoint(url_map, "/x.json") == ("json", {"a": "x"})
    assert endpoint(url_map, "/x.y") == ("two", {"a": "x", "b": "y"})
    assert endpoint(url_map, "/x") == ("one", {"a": "x"})
    assert endpoint(url_map, "/a/b") == ("static_first", {"b": "b"})
    assert endpoint(url_map, "/z/b") == ("var_first", {"a": "z"})
    assert endpoint(url_map, "/z/y/x") == ("path", {"p": "z/y/x"})


def test_equal_weight_rules_keep_registration_order() -> None:
    url_map = make(
        Rule("/a/<string(minlength=2):x>", endpoint="long"),
        Rule("/a/<string(length=1):x>", endpoint="short"),
        Rule("/a/<y>", endpoint="any"),
    )
    assert endpoint(url_map, "/a/e") == ("short", {"x": "e"})
    assert endpoint(url_map, "/a/ee") == ("long", {"x": "ee"})


def test_not_found() -> None:
    url_map = make(Rule("/a", endpoint="a"), Rule("/b/<int:n>", endpoint="b"))
    for path in ("/", "/c", "/a/x", "/b/x", "", "/b"):
        with pytest.raises(NotFound):
            url_map.match(path, "GET")
    with pytest.raises(NotFound):
        Map().match("/", "GET")


def test_any_method_rule() -> None:
    url_map = make(Rule("/hook", endpoint="hook"), Rule("/hook/<int:n>", endpoint="n"))
    assert endpoint(url_map, "/hook", "PATCH") == ("hook", {})
    assert endpoint(url_map, "/hook/2", "BREW") == ("n", {"n": 2})
    assert url_map.allowed_methods("/hook") == []


def test_head_matches_get() -> None:
    url_map = make(
        Rule("/s", endpoint="s", methods=["GET"]),
        Rule("/d/<x>", endpoint="d", methods=["GET"]),
    )
    assert endpoint(url_map, "/s", "HEAD") == ("s", {})
    assert endpoint(url_map, "/d/1", "HEAD") == ("d", {"x": "1"})


def test_same_path_different_methods() -> None:
    url_map = make(
        Rule("/item/<int:id>", endpoint="read", methods=["GET"]),
        Rule("/item/<int:id>", endpoint="update", methods=["PUT"]),
        Rule("/item/<int:id>", endpoint="again", methods=["GET", "DELETE"]),
        Rule("/item", endpoint="list", methods=["GET"]),
        Rule("/item", endpoint="create", methods=["POST"]),
    )
    assert endpoint(url_map, "/item/1") == ("read", {"id": 1})
    assert endpoint(url_map, "/item/1", "PUT") == ("update", {"id": 1})
    assert endpoint(url_map, "/item/1", "DELETE") == ("again", {"id": 1})
    assert endpoint(url_map, "/item", "POST") == ("create", {})
    assert endpoint(url_map, "/item", "HEAD") == ("list", {})


def test_any_method_rule_registered_first_wins() -> None:
    url_map = make(
        Rule("/s", endpoint="any"),
        Rule("/s", endpoint="get", methods=["GET"]),
        Rule("/d/<x>", endpoint="any"),
        Rule("/d/<x>", endpoint="get", methods=["GET"]),
    )
    assert endpoint(url_map, "/s") == ("any", {})
    assert endpoint(url_map, "/d/1") == ("any", {"x": "1"})


def test_method_fallback_to_later_rule() -> None:
    url_map = make(
        Rule("/x/<int:id>", endpoint="int_get", methods=["GET"]),
        Rule("/x/<name>", endpoint="name_post", methods=["POST"]),
        Rule("/x/12", endpoint="static_delete", methods=["DELETE"]),
    )
    assert endpoint(url_map, "/x/12", "POST") == ("name_post", {"name": "12"})
    assert endpoint(url_map, "/x/12", "GET") == ("int_get", {"id": 12})
    assert endpoint(url_map, "/x/12", "DELETE") == ("static_delete", {})


def test_method_not_allowed_unions_every_matching_rule() -> None:
    url_map = make(
        Rule("/x/<name>", endpoint="a", methods=["POST"]),
        Rule("/x/<int:id>", endpoint="b", methods=["PUT"]),
        Rule("/x/12", endpoint="c", methods=["DELETE", "GET"]),
        Rule("/x/<int(max=5):id>", endpoint="d", methods=["PATCH"]),
        Rule("/y", endpoint="e", methods=["OPTIONS"]),
    )
    with pytest.raises(MethodNotAllowed) as info:
        url_map.match("/x/12", "TRACE")
    assert info.value.valid_methods == ["DELETE", "GET", "HEAD", "POST", "PUT"]
    assert ("Allow", "DELETE, GET, HEAD, POST, PUT") in info.value.get_headers()
    with pytest.raises(MethodNotAllowed) as info:
        url_map.match("/x/ab", "GET")
    assert info.value.valid_methods == ["POST"]
    assert url_map.allowed_methods("/x/12") == ["DELETE", "GET", "HEAD", "POST", "PUT"]
    assert url_map.allowed_methods("/x/3") == ["PATCH", "POST", "PUT"]
    assert url_map.allowed_methods("/nothing") == []


def test_defaults_merged_into_values() -> None:
    url_map = make(
        Rule("/", endpoint="idx", defaults={"page": 1}),
        Rule("/page/<int:page>", endpoint="idx"),
        Rule("/u/<name>", endpoint="u", defaults={"tab": "home", "name": "ignored"}),
    )
    assert endpoint(url_map, "/") == ("idx", {"page": 1})
    assert endpoint(url_map, "/page/3") == ("idx", {"page": 3})
    assert endpoint(url_map, "/u/bob") == ("u", {"tab": "home", "name": "bob"})


def test_values_are_decoded_unicode() -> None:
    url_map = make(Rule("/wiki/<title>", endpoint="w"))
    assert endpoint(url_map, "/wiki/Café au lait") == ("w", {"title": "Café au lait"})


def test_lazy_recompile_after_add() -> None:
    url_map = make(Rule("/a/<x>", endpoint="a"))
    assert endpoint(url_map, "/a/new") == ("a", {"x": "new"})
    url_map.add(Rule("/a/new", endpoint="static"))
    url_map.add(Rule("/b/<int:n>", endpoint="b"))
    assert endpoint(url_map, "/a/new") == ("static", {})
    assert endpoint(url_map, "/b/1") == ("b", {"n": 1})
    assert url_map.allowed_methods("/b/1") == []


def test_allowed_methods_compiles_lazily() -> None:
    url_map = make(Rule("/a", endpoint="a", methods=["GET"]))
    assert url_map.allowed_methods("/a") == ["GET", "HEAD"]


# --------------------------------------------------------------------------- slashes


def test_strict_slash_redirect() -> None:
    url_map = make(
        Rule("/docs/", endpoint="docs"),
        Rule("/u/<name>/", endpoint="user"),
        Rule("/<page>", endpoint="page"),
    )
    with pytest.raises(RequestRedirect) as info:
        url_map.match("/docs", "GET", "a=1&b=%20")
    assert info.value.new_url == "/docs/?a=1&b=%20"
    assert info.value.code == 308
    with pytest.raises(RequestRedirect) as info:
        url_map.match("/docs", "GET", b"a=1&b=%20")  # ASGI's raw query
    assert info.value.new_url == "/docs/?a=1&b=%20"
    with pytest.raises(RequestRedirect) as info:
        url_map.match("/u/é x", "POST")
    assert info.value.new_url == "/u/%C3%A9%20x/"
    assert endpoint(url_map, "/docs/") == ("docs", {})
    assert endpoint(url_map, "/u/bob/") == ("user", {"name": "bob"})


def test_a_path_no_rule_reaches_is_a_404_and_a_near_miss_is_not() -> None:
    """The shortcut for paths no rule can reach must leave redirects, 405s and matches be."""
    url_map = make(
        Rule("/docs/", endpoint="docs"),
        Rule("/loose/", endpoint="loose", strict_slashes=False),
        Rule("/only-post", endpoint="post", methods=["POST"]),
        Rule("/dish/<int:id>", endpoint="dish"),
    )
    for path in ("/nothing", "/nothing/", "/", "/docs/x", "/dish", "/dish/soup"):
        with pytest.raises(NotFound):
            url_map.match(path, "GET")
    with pytest.raises(RequestRedirect):
        url_map.match("/docs", "GET")
    assert endpoint(url_map, "/loose") == ("loose", {})
    assert endpoint(url_map, "/dish/4") == ("dish", {"id": 4})
    with pytest.raises(MethodNotAllowed):
        url_map.match("/only-post", "GET")


def test_redirect_only_for_allowed_method() -> None:
    url_map = make(
        Rule("/a/", endpoint="a", methods=["GET"]),
        Rule("/u/<n>/", endpoint="u", methods=["POST"]),
    )
    for path, method in (("/a", "POST"), ("/u/bob", "GET")):
        with pytest.raises(NotFound):
            url_map.match(path, method)
    with pytest.raises(RequestRedirect):
        url_map.match("/a", "HEAD")


def test_exact_rule_beats_redirect() -> None:
    url_map = make(Rule("/a/", endpoint="slash"), Rule("/a", endpoint="plain"))
    assert endpoint(url_map, "/a") == ("plain", {})
    assert endpoint(url_map, "/a/") == ("slash", {})


def test_no_redirect_for_rule_without_slash() -> None:
    url_map = make(Rule("/a", endpoint="a"), Rule("/b/<x>", endpoint="b"))
    for path in ("/a/", "/b/x/"):
        with pytest.raises(NotFound):
            url_map.match(path, "GET")


def test_non_strict_slashes() -> None:
    url_map = make(
        Rule("/a/", endpoint="a", strict_slashes=False),
        Rule("/b", endpoint="b", strict_slashes=False),
        Rule("/c/<x>/", endpoint="c", strict_slashes=False),
        Rule("/d/<x>", endpoint="d", strict_slashes=False),
        Rule("/", endpoint="root", strict_slashes=False),
    )
    assert endpoint(url_map, "/a") == ("a", {})
    assert endpoint(url_map, "/a/") == ("a", {})
    assert endpoint(url_map, "/b/") == ("b", {})
    assert endpoint(url_map, "/c/1") == ("c", {"x": "1"})
    assert endpoint(url_map, "/c/1/") == ("c", {"x": "1"})
    assert endpoint(url_map, "/d/1/") == ("d", {"x": "1"})
    assert endpoint(url_map, "/") == ("root", {})


def test_map_wide_strict_slashes_off() -> None:
    url_map = make(Rule("/a/", endpoint="a"), strict_slashes=False)
    assert endpoint(url_map, "/a") == ("a", {})
    assert url_map.strict_slashes is False


def test_request_redirect_response_parts() -> None:
    exc = RequestRedirect('/x/?q="<a>"&b=1')
    assert isinstance(exc, HTTPException)
    assert isinstance(exc, RoutingException)
    assert exc.code == 308
    assert exc.get_headers() == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Location", '/x/?q="<a>"&b=1'),
    ]
    escaped = "/x/?q=&quot;&lt;a&gt;&quot;&amp;b=1"
    assert exc.get_body() == (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        f'<a href="{escaped}">{escaped}</a>. If not, click the link.\n'
    )


def test_request_redirect_get_response() -> None:
    pytest.importorskip("tray.response")
    response: Any = RequestRedirect("/docs/").get_response()
    assert response.status_code == 308
    assert response.headers["Location"] == "/docs/"


# --------------------------------------------------------------------------- many rules


def test_combined_regex_with_many_rules() -> None:
    url_map = Map()
    for i in range(120):
        url_map.add(Rule(f"/r{i}/<name>/<int:id>", endpoint=f"r{i}", methods=["GET"]))
        url_map.add(Rule(f"/api/v{i}/<name>", endpoint=f"v{i}", methods=["GET"]))
        url_map.add(Rule(f"/api/v{i}/<int:id>", endpoint=f"vi{i}", methods=["POST"]))
        url_map.add(Rule(f"/<name>/s{i}", endpoint=f"s{i}", methods=["GET"]))
    for i in (0, 1, 10, 11, 59, 99, 119):
        assert endpoint(url_map, f"/r{i}/bob/{i}") == (f"r{i}", {"name": "bob", "id": i})
        assert endpoint(url_map, f"/api/v{i}/x") == (f"v{i}", {"name": "x"})
        assert endpoint(url_map, f"/api/v{i}/7", "POST") == (f"vi{i}", {"id": 7})
        assert endpoint(url_map, f"/api/v{i}/7") == (f"v{i}", {"name": "7"})
        assert endpoint(url_map, f"/zz/s{i}") == (f"s{i}", {"name": "zz"})
        assert url_map.build(f"r{i}", {"name": "a b", "id": 3}) == f"/r{i}/a%20b/3"
    with pytest.raises(MethodNotAllowed) as info:
        url_map.match("/api/v5/x", "POST")
    assert info.value.valid_methods == ["GET", "HEAD"]
    with pytest.raises(NotFound):
        url_map.match("/r120/bob/1", "GET")


def test_small_and_large_buckets_agree() -> None:
    small = Map()
    large = Map()
    for url_map, count in ((small, 2), (large, 30)):
        for i in range(count):
            url_map.add(Rule(f"/b/x{i}/<int:n>", endpoint=f"x{i}"))
        url_map.add(Rule("/b/<name>/<int:n>", endpoint="name"))
        url_map.add(Rule("/b/<name>/<int(max=3):n>/<path:rest>", endpoint="rest"))
    for url_map in (small, large):
        assert endpoint(url_map, "/b/x1/5") == ("x1", {"n": 5})
        assert endpoint(url_map, "/b/q/5") == ("name", {"name": "q", "n": 5})
        assert endpoint(url_map, "/b/q/2/a/b") == ("rest", {"name": "q", "n": 2, "rest": "a/b"})
        with pytest.raises(NotFound):
            url_map.match("/b/q/9/a", "GET")


# --------------------------------------------------------------------------- building


def test_build_static_and_dynamic() -> None:
    url_map = make(
        Rule("/", endpoint="index"),
        Rule("/user/<username>", endpoint="profile"),
        Rule("/search", endpoint="search"),
    )
    assert url_map.build("index") == "/"
    assert url_map.build("index", {}) == "/"
    assert url_map.build("profile", {"username": "bob"}) == "/user/bob"
    assert url_map.build("profile", {"username": "a b/c?d&é"}) == "/user/a%20b/c%3Fd&%C3%A9"
    assert url_map.build("profile", {"username": "Zoë"}) == "/user/Zo%C3%AB"


def test_build_query_string() -> None:
    url_map = make(Rule("/search", endpoint="search"), Rule("/u/<name>", endpoint="u"))
    assert url_map.build("search", {"q": "flask tray", "page": 2}) == "/search?q=flask+tray&page=2"
    assert url_map.build("search", {"b": 1, "a": 2}) == "/search?b=1&a=2"
    assert (
        url_map.build("search", {"q": ["a", None, "b"], "z": None, "a": "x&y=z é+/?#%"})
        == "/search?q=a&q=b&a=x%26y%3Dz+%C3%A9%2B/?%23%25"
    )
    assert (
        url_map.build("search", {"t": ("x", "y"), "n": True, "e": []}) == "/search?t=x&t=y&n=True"
    )
    assert url_map.build("search", {"s": {"only"}}) == "/search?s=only"
    assert url_map.build("search", {"q": "x"}, append_unknown=False) == "/search"
    assert url_map.build("u", {"name": "n", "k": "v"}) == "/u/n?k=v"
    assert url_map.build("u", {"name": "n"}) == "/u/n"


def test_build_none_values_count_as_missing() -> None:
    url_map = make(Rule("/u/<name>", endpoint="u"))
    with pytest.raises(BuildError) as info:
        url_map.build("u", {"name": None})
    assert str(info.value) == (
        "Could not build url for endpoint 'u'. Did you forget to specify values ['name']?"
    )


def test_build_picks_rule_by_values_and_defaults() -> None:
    url_map = make(
        Rule("/page/<int:page>", endpoint="idx"),
        Rule("/", endpoint="idx", defaults={"page": 1}),
    )
    assert url_map.build("idx") == "/"
    assert url_map.build("idx", {"page": 1}) == "/"
    assert url_map.build("idx", {"page": 2}) == "/page/2"
    assert url_map.build("idx", {"page": 1, "q": "x"}) == "/?q=x"


def test_build_default_fills_variable() -> None:
    url_map = make(Rule("/lang/<code>", endpoint="lang", defaults={"code": "en"}))
    assert url_map.build("lang") == "/lang/en"
    assert url_map.build("lang", {"code": "en"}) == "/lang/en"
    with pytest.raises(BuildError) as info:
        url_map.build("lang", {"code": "de"})
    assert str(info.value) == (
        "Could not build url for endpoint 'lang' with values ['code']. The values conflict with"
        " the defaults of its rules: '/lang/<code>' has defaults {'code': 'en'}."
    )


def test_build_multiple_rules_and_method() -> None:
    url_map = make(
        Rule("/items", endpoint="items", methods=["GET"]),
        Rule("/items/new", endpoint="items", methods=["POST"]),
        Rule("/items/<int:id>", endpoint="items", methods=["PUT"]),
    )
    assert url_map.build("items", {"id": 4}) == "/items/4"
    assert url_map.build("items", {}) == "/items"
    assert url_map.build("items", {}, method="POST") == "/items/new"
    assert url_map.build("items", {}, method="HEAD") == "/items"
    assert url_map.build("items", {"id": 4}, method="GET") == "/items?id=4"


def test_build_error_unknown_endpoint() -> None:
    url_map = make(Rule("/u/<username>", endpoint="profile"), Rule("/x", endpoint=None))
    with pytest.raises(BuildError) as info:
        url_map.build("profil", {"username": "x"})
    err = info.value
    assert isinstance(err, LookupError)
    assert isinstance(err, RoutingException)
    assert (err.endpoint, err.values, err.method) == ("profil", {"username": "x"}, None)
    assert str(err) == (
        "Could not build url for endpoint 'profil' with values ['username']."
        " Did you mean 'profile' instead?"
    )
    with pytest.raises(BuildError) as info:
        url_map.build("zzz")
    assert str(info.value) == (
        "Could not build url for endpoint 'zzz'. No rule has this endpoint; check its name or"
        " register a rule for it."
    )


def test_build_error_missing_values() -> None:
    url_map = make(
        Rule("/u/<username>", endpoint="profile"),
        Rule("/a/<x>/<y>/<z>", endpoint="a"),
        Rule("/a/<x>/<y>", endpoint="a"),
    )
    with pytest.raises(BuildError) as info:
        url_map.build("profile")
    assert str(info.value) == (
        "Could not build url for endpoint 'profile'. Did you forget to specify values ['username']?"
    )
    with pytest.raises(BuildError) as info:
        url_map.build("a", {"x": 1})
    assert str(info.value) == (
        "Could not build url for endpoint 'a' with values ['x']. Did you forget to specify"
        " values ['y']?"
    )


def test_build_error_method() -> None:
    url_map = make(
        Rule("/u/<username>", endpoint="profile", methods=["GET"]),
        Rule("/u/<username>/x", endpoint="profile", methods=["PATCH"]),
        Rule("/p/<a>", endpoint="p", methods=["GET"]),
        Rule("/p/<a>/<b>", endpoint="p", methods=["POST"]),
    )
    with pytest.raises(BuildError) as info:
        url_map.build("profile", {"username": "x"}, method="POST")
    assert info.value.method == "POST"
    assert str(info.value) == (
        "Could not build url for endpoint 'profile' ('POST') with values ['username']."
        " Did you mean to use methods ['GET', 'HEAD', 'PATCH']?"
    )
    with pytest.raises(BuildError) as info:
        url_map.build("p", {"a": 1}, method="POST")
    assert str(info.value) == (
        "Could not build url for endpoint 'p' ('POST') with values ['a']. Did you forget to"
        " specify values ['b']?"
    )


def test_build_error_default_message() -> None:
    err = BuildError("ep", {"b": 1, "a": 2}, "GET")
    assert str(err) == "Could not build url for endpoint 'ep' ('GET') with values ['a', 'b']."
    assert str(BuildError("ep", None, None)) == "Could not build url for endpoint 'ep'."


def test_build_rejected_value_falls_through_to_next_rule() -> None:
    url_map = make(
        Rule("/n/<int:v>", endpoint="v"),
        Rule("/s/<v>", endpoint="v"),
    )
    assert url_map.build("v", {"v": 5}) == "/n/5"
    assert url_map.build("v", {"v": "abc"}) == "/s/abc"


def test_int_build_rejects_non_numbers() -> None:
    url_map = make(Rule("/n/<int:v>", endpoint="v"), Rule("/m/<float:v>", endpoint="v"))
    with pytest.raises(BuildError) as info:
        url_map.build("v", {"v": "abc"})  # both rules reject it: the first one is reported
    assert str(info.value) == (
        "Could not build url for endpoint 'v' with values ['v']. Rule '/n/<int:v>' rejected a"
        " value: invalid literal for int() with base 10: 'abc'."
    )


def test_a_path_converter_is_less_specific_than_a_segment_even_before_a_slash() -> None:
    m = Map()
    m.add(Rule("/docs/<path:p>/", endpoint="catch_all"))
    m.add(Rule("/docs/<name>/", endpoint="one"))
    m.add(Rule("/<path:p>/", endpoint="root_all"))
    m.add(Rule("/<int:id>/", endpoint="number"))
    assert m.match("/docs/intro/", "GET")[0].endpoint == "one"
    assert m.match("/docs/a/b/", "GET")[0].endpoint == "catch_all"
    assert m.match("/5/", "GET")[0].endpoint == "number"
    assert m.match("/x/y/", "GET")[0].endpoint == "root_all"


def test_converters_with_named_groups_can_share_a_combined_regex() -> None:
    class Lang(BaseConverter):
        regex = r"(?P<lang>[a-z]{2})"

    m = Map()
    m.converters["lang"] = Lang
    m.add(Rule("/p/<lang:l>/a", endpoint="a"))
    m.add(Rule("/p/<lang:l>/b", endpoint="b"))
    rule, values = m.match("/p/en/b", "GET")
    assert (rule.endpoint, values) == ("b", {"l": "en"})


def test_a_slash_redirect_for_the_method_wins_over_a_405() -> None:
    m = Map()
    m.add(Rule("/items/<int:id>", endpoint="update", methods={"POST"}))
    m.add(Rule("/items/<int:id>/", endpoint="show", methods={"GET"}))
    with pytest.raises(RequestRedirect) as info:
        m.match("/items/5", "GET")
    assert info.value.new_url == "/items/5/"
    with pytest.raises(MethodNotAllowed):
        m.match("/items/5", "PUT")


def test_a_slash_redirect_ranks_before_a_catch_all_as_in_werkzeug() -> None:
    """Werkzeug redirects "/users/5" to "/users/<int:id>/" before trying lower-ranked rules."""
    m = Map()
    m.add(Rule("/users/<int:id>/", endpoint="user", methods={"GET"}))
    m.add(Rule("/<path:p>", endpoint="catch_all"))
    with pytest.raises(RequestRedirect) as info:
        m.match("/users/5", "GET", "tab=posts")
    assert info.value.new_url == "/users/5/?tab=posts"
    assert m.match("/users/5/", "GET") == (m._rules[0], {"id": 5})
    # Only for a method the rule takes, and only when its converter takes the value.
    assert m.match("/users/5", "POST")[0].endpoint == "catch_all"
    assert m.match("/users/bob", "GET") == (m._rules[1], {"p": "users/bob"})
    assert m.match("/other/x", "GET")[0].endpoint == "catch_all"


def test_a_slash_redirect_ranks_before_a_less_specific_exact_rule() -> None:
    m = Map()
    m.add(Rule("/users/<name>", endpoint="by_name"))
    m.add(Rule("/users/<int:id>/", endpoint="by_id"))
    with pytest.raises(RequestRedirect) as info:
        m.match("/users/5", "GET")
    assert info.value.new_url == "/users/5/"
    assert m.match("/users/bob", "GET") == (m._rules[0], {"name": "bob"})


def test_an_exact_rule_without_the_slash_still_beats_the_redirect() -> None:
    m = Map()
    m.add(Rule("/users/<int:id>/", endpoint="slash"))
    m.add(Rule("/users/<int:id>", endpoint="plain"))
    assert m.match("/users/5", "GET")[0].endpoint == "plain"
    assert m.match("/users/5/", "GET")[0].endpoint == "slash"


@pytest.mark.parametrize("siblings", [0, 10])  # small and large combined regexes
def test_slash_redirects_in_both_forms_of_the_combined_regex(siblings: int) -> None:
    m = Map()
    for i in range(siblings):
        m.add(Rule(f"/shop/<int:id>/part{i}", endpoint=f"part{i}"))
    m.add(Rule("/shop/<int(min=10):id>/", endpoint="item"))
    m.add(Rule("/shop/<path:rest>", endpoint="rest"))
    with pytest.raises(RequestRedirect) as info:
        m.match("/shop/12", "GET")
    assert info.value.new_url == "/shop/12/"
    # The converter rejects 5: no redirect, the next rule answers.
    assert m.match("/shop/5", "GET") == (m._rules[-1], {"rest": "5"})
    assert m.match("/shop/12/", "GET")[0].endpoint == "item"
    if siblings:
        assert m.match("/shop/3/part9", "GET") == (m._rules[9], {"id": 3})


def test_a_slash_redirect_ranks_after_a_rule_for_the_path_itself() -> None:
    """The redirect of "/docs/<path:p>/" ranks where "/docs/<path:p>" would, after it."""
    m = Map()
    m.add(Rule("/docs/<path:p>", endpoint="file"))
    m.add(Rule("/docs/<path:p>/", endpoint="folder"))
    assert m.match("/docs/a/b", "GET") == (m._rules[0], {"p": "a/b"})
    assert m.match("/docs/a/b/", "GET") == (m._rules[1], {"p": "a/b"})
    only_folders = Map([Rule("/docs/<path:p>/", endpoint="folder")])
    with pytest.raises(RequestRedirect) as info:
        only_folders.match("/docs/a/b", "GET")
    assert info.value.new_url == "/docs/a/b/"


def test_a_non_strict_rule_answers_its_slashless_path_at_the_same_rank_as_a_redirect() -> None:
    m = Map()
    m.add(Rule("/<any(a, b):x>/", endpoint="loose", strict_slashes=False))
    m.add(Rule("/<x>/", endpoint="strict", methods={"POST"}))
    # Werkzeug: the non-strict rule's own slashless match comes before the other's redirect.
    assert m.match("/b", "POST") == (m._rules[0], {"x": "b"})
    with pytest.raises(RequestRedirect):
        m.match("/c", "POST")


def test_the_slash_redirect_of_a_path_rule_ranks_after_its_group() -> None:
    """A rule with a path converter redirects only after the other rules of its group."""
    m = Map()
    m.add(Rule("/<int:x>/<path:y>/", endpoint="slash"))
    m.add(Rule("/<path:x>/users", endpoint="users"))
    assert m.match("/5/users", "GET") == (m._rules[1], {"x": "5"})
    with pytest.raises(RequestRedirect):
        m.match("/5/a/b", "GET")
    docs = Map([Rule("/docs/<path:p>/", endpoint="folder"), Rule("/<path:q>", endpoint="any")])
    with pytest.raises(RequestRedirect):  # as in Werkzeug: its own first segment's group first
        docs.match("/docs/a/b", "GET")


# ----------------------------------------------------------- exact match before slash tolerance


def client_for(*routes: tuple[str, dict[str, Any]]) -> Any:
    """A test client of an app whose view ``v<i>`` answers route ``i`` with its values."""
    app = Flask(__name__)
    for index, (rule, options) in enumerate(routes):

        def view(_name: str = f"v{index}", **values: Any) -> str:
            return " ".join([_name, *(f"{k}={v}" for k, v in sorted(values.items()))])

        app.add_url_rule(rule, f"v{index}", view, **options)
    return app.test_client()


def answer(client: Any, path: str, method: str = "GET") -> tuple[int, str, str | None]:
    response = client.open(path, method=method)
    body = response.get_data(as_text=True) if response.status_code == 200 else ""
    return response.status_code, body, response.headers.get("Location")


LOOSE = {"strict_slashes": False}


@pytest.mark.parametrize("loose_first", [True, False])
@pytest.mark.parametrize("rule", ["/api/<x>", "/api/a"])  # dynamic and static
def test_a_strict_rule_matching_exactly_beats_a_non_strict_rule_adding_its_slash(
    loose_first: bool, rule: str
) -> None:
    """Werkzeug: "/api/a/" is the strict "/api/<x>/" as written, before the non-strict
    "/api/<x>" tolerates the slash; "/api/a" stays the non-strict rule's, whatever the order."""
    loose, strict = (rule, LOOSE), (rule + "/", {})
    client = client_for(loose, strict) if loose_first else client_for(strict, loose)
    values = " x=a" if "<x>" in rule else ""
    loose_view, strict_view = ("v0", "v1") if loose_first else ("v1", "v0")
    assert answer(client, "/api/a/") == (200, strict_view + values, None)
    assert answer(client, "/api/a") == (200, loose_view + values, None)


@pytest.mark.parametrize("siblings", [0, 10])  # small and large combined regexes
def test_the_slash_added_form_ranks_after_the_rules_of_its_path(siblings: int) -> None:
    routes = [(f"/api/<int:x>/part{i}", {}) for i in range(siblings)]
    client = client_for(*routes, ("/api/<x>", LOOSE), ("/api/<x>/", {}), ("/api/<x>/<y>", {}))
    loose, strict, deeper = (f"v{siblings + i}" for i in range(3))
    assert answer(client, "/api/a/") == (200, f"{strict} x=a", None)
    assert answer(client, "/api/5/") == (200, f"{strict} x=5", None)
    assert answer(client, "/api/a") == (200, f"{loose} x=a", None)
    assert answer(client, "/api/a/b") == (200, f"{deeper} x=a y=b", None)
    if siblings:
        assert answer(client, "/api/3/part9") == (200, "v9 x=3", None)


def test_a_non_strict_rule_alone_still_adds_or_a_strict_one_redirects_to_its_slash() -> None:
    loose = client_for(("/api/<x>", LOOSE))
    assert answer(loose, "/api/a/") == (200, "v0 x=a", None)
    assert answer(loose, "/api/a") == (200, "v0 x=a", None)
    strict = client_for(("/api/<x>/", {}))
    assert answer(strict, "/api/a") == (308, "", "/api/a/")
    assert answer(strict, "/api/a?q=1") == (308, "", "/api/a/?q=1")
    assert answer(strict, "/api/a/") == (200, "v0 x=a", None)


def test_methods_between_a_strict_rule_and_a_non_strict_rule_adding_its_slash() -> None:
    """As in Werkzeug: the slash-added form answers the methods the exact rule lacks; a
    redirect to the strict rule still wins for its methods; the 405 lists both rules'."""
    client = client_for(
        ("/api/<x>", {"strict_slashes": False, "methods": ["POST"]}),
        ("/api/<x>/", {"methods": ["GET"]}),
    )
    assert answer(client, "/api/a/") == (200, "v1 x=a", None)
    assert answer(client, "/api/a/", "POST") == (200, "v0 x=a", None)
    assert answer(client, "/api/a") == (308, "", "/api/a/")
    assert answer(client, "/api/a", "POST") == (200, "v0 x=a", None)
    response = client.put("/api/a/")
    assert (response.status_code, response.headers["Allow"]) == (405, "GET, HEAD, OPTIONS, POST")
    response = client.put("/api/a")
    assert (response.status_code, response.headers["Allow"]) == (405, "OPTIONS, POST")

    swapped = client_for(
        ("/api/<x>", {"strict_slashes": False, "methods": ["GET"]}),
        ("/api/<x>/", {"methods": ["POST"]}),
    )
    assert answer(swapped, "/api/a/") == (200, "v0 x=a", None)
    assert answer(swapped, "/api/a/", "POST") == (200, "v1 x=a", None)
    assert answer(swapped, "/api/a") == (200, "v0 x=a", None)
    assert answer(swapped, "/api/a", "POST") == (308, "", "/api/a/")


def test_equal_weight_converters_rank_by_first_registration_with_their_subtrees() -> None:
    """Werkzeug tries "/<any(a,b):x>" and "/<x>" (equal weights) in the order they were first
    registered, each with everything under it, a slash-added form included."""
    loose_any = client_for(("/<any(a,b):x>", LOOSE), ("/<x>/", {}))
    assert answer(loose_any, "/a/") == (200, "v0 x=a", None)
    assert answer(loose_any, "/c/") == (200, "v1 x=c", None)
    strict_first = client_for(("/<x>/", {}), ("/<any(a,b):x>", LOOSE))
    assert answer(strict_first, "/a/") == (200, "v0 x=a", None)
    assert answer(strict_first, "/a") == (308, "", "/a/")
    deeper = client_for(("/<x>/<y>", {}), ("/<any(a,b):x>/users", {}))
    assert answer(deeper, "/a/users") == (200, "v0 x=a y=users", None)
    swapped = client_for(("/<any(a,b):x>/users", {}), ("/<x>/<y>", {}))
    assert answer(swapped, "/a/users") == (200, "v0 x=a", None)
    assert answer(swapped, "/c/users") == (200, "v1 x=c y=users", None)


def test_a_lone_non_strict_rule_keeps_one_alternative_in_the_combined_regex() -> None:
    """PERF: with nothing ranked between its two forms, the exact and slash-added forms share
    one alternative (the tolerant pattern), so the per-request regex is the same as before."""
    m = make(Rule("/api/<x>", endpoint="loose", strict_slashes=False), Rule("/api/<int:x>/y"))
    assert endpoint(m, "/api/a/") == ("loose", {"x": "a"})
    assert sum(group is not None for group in m._buckets["api"][1]) == 2
    m.add(Rule("/api/<x>/", endpoint="strict"))
    assert endpoint(m, "/api/a/") == ("strict", {"x": "a"})
    # "/api/<int:x>/y"; "/api/<x>" as written; the redirect and the exact form of "/api/<x>/";
    # then "/api/<x>" with the slash added.
    assert sum(group is not None for group in m._buckets["api"][1]) == 5
    # Rules ranked between the two forms that cannot match "/api/a/" keep them together.
    deeper = make(
        Rule("/api/<x>", endpoint="loose", strict_slashes=False),
        Rule("/api/<x>/edit", endpoint="edit", methods={"POST"}),
        Rule("/api/<x>/items/", endpoint="items"),
    )
    assert endpoint(deeper, "/api/a/") == ("loose", {"x": "a"})
    assert endpoint(deeper, "/api/a/edit", "POST") == ("edit", {"x": "a"})
    with pytest.raises(RequestRedirect):
        deeper.match("/api/a/items", "GET")
    with pytest.raises(MethodNotAllowed):
        deeper.match("/api/a/edit", "GET")
    assert sum(group is not None for group in deeper._buckets["api"][1]) == 4


# --------------------------------------------------------------------------- rule options


def test_unknown_rule_options_are_a_type_error_naming_them() -> None:
    with pytest.raises(TypeError) as info:
        Rule("/x", endpoint="x", sudomain="api", build_onyl=True)
    assert str(info.value) == (
        "URL rule '/x' got unknown option(s) 'build_onyl', 'sudomain'; a rule takes endpoint,"
        " methods, strict_slashes, defaults, provide_automatic_options, subdomain, host,"
        " build_only, redirect_to, alias and merge_slashes"
    )
    app = Flask(__name__)
    with pytest.raises(TypeError, match=r"^URL rule '/y' got unknown option\(s\) 'colour';"):
        app.add_url_rule("/y", "y", lambda: "y", colour="red")


def test_websocket_rules_are_refused() -> None:
    with pytest.raises(TypeError) as info:
        Rule("/ws", endpoint="ws", websocket=True)
    assert str(info.value) == (
        "URL rule '/ws' has websocket=True, but tray does not serve WebSocket routes; drop"
        " the option (or serve WebSockets with another ASGI app)"
    )
    assert Rule("/ws", websocket=False).websocket is False


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"subdomain": 5},
            TypeError,
            "subdomain of URL rule '/r' must be a str like 'api' or '<user>', not 5",
        ),
        (
            {"host": "a.test/x"},
            ValueError,
            "host 'a.test/x' of URL rule '/r' has a '/': give the host alone, like"
            " 'api.example.com'",
        ),
        (
            {"subdomain": "<1x>"},
            ValueError,
            "subdomain '<1x>' of URL rule '/r' has a malformed variable '<1x>': write <name>,"
            " <converter:name> or <converter(args):name> using Python identifiers",
        ),
        (
            {"redirect_to": 5},
            TypeError,
            "redirect_to of URL rule '/r' must be a URL string (with <name> placeholders) or a"
            " callable returning one, not 5",
        ),
    ],
)
def test_rule_options_are_checked_when_written(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        Rule("/r", endpoint="r", **options)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            Rule("/a/<int:id>", endpoint="a", redirect_to="/b/<int:id>"),
            "redirect_to '/b/<int:id>' of URL rule '/a/<int:id>' uses <int:id>, which is not a"
            " variable of the rule; a placeholder names a variable, e.g. <id> (for anything"
            " else pass a callable)",
        ),
        (
            Rule("/d", endpoint="d", defaults={"id": 1}, redirect_to="/b/<id>"),
            "redirect_to '/b/<id>' of URL rule '/d' uses <id>, which is not a variable of the"
            " rule; a placeholder names a variable, e.g. <id> (for anything else pass a"
            " callable)",
        ),
        (
            Rule("/u/<user>", endpoint="u", subdomain="<user>"),
            "URL rule '/u/<user>' uses the variable name 'user' in both its subdomain and its"
            " path; give each variable its own name",
        ),
        (
            Rule("/u", endpoint="u", subdomain="<nope:user>"),
            "subdomain '<nope:user>' of URL rule '/u' uses unknown converter 'nope'; known"
            " converters: any, default, float, int, path, string, uuid. Register custom ones"
            " first with app.url_map.converters['nope'] = YourConverter",
        ),
    ],
)
def test_rule_options_are_checked_against_the_rule_when_added(rule: Rule, message: str) -> None:
    with pytest.raises(ValueError) as info:
        Map([rule])
    assert str(info.value) == message


# --------------------------------------------------------------------------- redirect_to


def redirect_app(*routes: tuple[str, dict[str, Any]]) -> tuple[Any, list[str]]:
    """An app whose views record that they ran (a redirect_to rule's view must not)."""
    app = Flask(__name__)
    ran: list[str] = []
    views: dict[str, Any] = {}
    for index, (rule, options) in enumerate(routes):
        name = options.pop("endpoint", f"v{index}")

        def view(_name: str = name, **values: Any) -> str:
            ran.append(_name)
            return _name

        app.add_url_rule(rule, name, views.setdefault(name, view), **options)
    return app, ran


def test_redirect_to_answers_308_with_the_placeholders_filled_and_never_runs_the_view() -> None:
    app, ran = redirect_app(
        ("/a/<int:id>", {"redirect_to": "/b/<id>"}),
        ("/uni/<name>", {"redirect_to": "/x/<name>"}),
        ("/g/<path:p>", {"redirect_to": "/h/<p>"}),
    )
    client = app.test_client()
    response = client.get("/a/5?q=1")  # Werkzeug drops the query string
    assert (response.status_code, response.headers["Location"]) == (308, "/b/5")
    assert response.text == (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>"
        '\n<p>You should be redirected automatically to the target URL: <a href="/b/5">/b/5</a>.'
        " If not, click the link.\n"
    )
    assert answer(client, "/uni/café b") == (308, "", "/x/caf%C3%A9%20b")  # converters' to_url
    assert answer(client, "/g/x/y z") == (308, "", "/h/x/y%20z")
    for method in ("POST", "PUT"):  # a method the rule lacks is still a 405
        assert client.open("/a/5", method=method).status_code == 405
    for method in ("HEAD", "OPTIONS"):
        assert answer(client, "/a/5", method) == (308, "", "/b/5")
    assert answer(client, "/a/x") == (404, "", None)
    assert ran == []


def test_redirect_to_a_callable_gets_the_map_and_the_values() -> None:
    seen: list[Any] = []

    def target(url_map: Map, name: str) -> str:
        seen.append((url_map, name))
        return f"/profile/{url_map.build('profile', {'name': name.upper()})[1:]}"

    app, ran = redirect_app(
        ("/u/<name>", {"redirect_to": target}), ("/<name>", {"endpoint": "profile"})
    )
    client = app.test_client()
    assert answer(client, "/u/bob") == (308, "", "/profile/BOB")
    assert seen == [(app.url_map, "bob")]
    assert ran == []

    bad, _ = redirect_app(("/u", {"redirect_to": lambda url_map: 5}))
    bad.testing = True
    with pytest.raises(TypeError) as info:
        bad.test_client().get("/u")
    assert str(info.value) == (
        "redirect_to of URL rule '/u' returned 5; it must return the URL to redirect to, as a str"
    )


@pytest.mark.parametrize(
    ("target", "at_root", "under_mount"),
    [
        ("/new", "/new", "/new"),  # an absolute path leaves the mount point, as in Werkzeug
        ("new", "/new", "/mount/new"),  # a relative one stays under it
        ("?x=1", "/?x=1", "/mount/?x=1"),
        ("https://other.test/x", "https://other.test/x", "https://other.test/x"),
        ("//cdn.test/y", "//cdn.test/y", "//cdn.test/y"),
    ],
)
def test_redirect_to_targets_resolve_against_the_app_root(
    target: str, at_root: str, under_mount: str
) -> None:
    app, _ = redirect_app(("/deep/old", {"redirect_to": target}))
    client = app.test_client()
    assert answer(client, "/deep/old") == (308, "", at_root)
    response = client.get("/deep/old", base_url="http://localhost/mount/")
    assert (response.status_code, response.headers["Location"]) == (308, under_mount)


def test_redirect_to_comes_after_the_trailing_slash_redirect() -> None:
    app, ran = redirect_app(
        ("/sl/", {"redirect_to": "/b/2"}),
        ("/ns", {"redirect_to": "/b/3", "strict_slashes": False}),
    )
    client = app.test_client()
    assert answer(client, "/sl") == (308, "", "/sl/")
    assert answer(client, "/sl/?a=1") == (308, "", "/b/2")
    assert answer(client, "/ns") == (308, "", "/b/3")
    assert answer(client, "/ns/") == (308, "", "/b/3")
    assert ran == []


def test_redirect_to_on_a_map_raises_request_redirect() -> None:
    m = make(Rule("/a/<int:id>", endpoint="a", redirect_to="/b/<id>"))
    with pytest.raises(RequestRedirect) as info:
        m.match("/a/7", "GET", "q=1")
    assert (info.value.code, info.value.new_url) == (308, "/b/7")


# --------------------------------------------------------------------------- build_only, alias


def test_build_only_rules_are_built_but_never_matched() -> None:
    app, ran = redirect_app(
        ("/ext", {"endpoint": "ext", "build_only": True}),
        ("/both", {"endpoint": "both"}),
        ("/both-b", {"endpoint": "both", "build_only": True}),
        ("/bo", {"endpoint": "bo", "build_only": True, "redirect_to": "/both"}),
    )
    client = app.test_client()
    for path in ("/ext", "/both-b", "/bo"):
        for method in ("GET", "OPTIONS"):
            assert client.open(path, method=method).status_code == 404
    assert answer(client, "/both") == (200, "both", None)
    assert ran == ["both"]
    with app.test_request_context():
        assert app.url_for("ext", q=1) == "/ext?q=1"
        assert app.url_for("both") == "/both"
        assert app.url_for("bo") == "/bo"


def test_an_alias_redirects_to_the_canonical_url_keeping_the_query() -> None:
    app, ran = redirect_app(
        ("/alias/<int:id>", {"endpoint": "canon", "alias": True}),
        ("/canon/<int:id>", {"endpoint": "canon"}),
    )
    client = app.test_client()
    assert answer(client, "/alias/4?k=v") == (308, "", "/canon/4?k=v")
    assert answer(client, "/canon/4") == (200, "canon", None)
    assert ran == ["canon"]  # the canonical request only
    response = client.get("/alias/4", base_url="http://localhost/mount/")
    assert response.headers["Location"] == "/mount/canon/4"
    with app.test_request_context():
        assert app.url_for("canon", id=1) == "/canon/1"  # aliases build last

    lonely, _ = redirect_app(("/al", {"endpoint": "al", "alias": True}))
    lonely.testing = True
    with pytest.raises(RuntimeError) as info:
        lonely.test_client().get("/al")
    assert str(info.value) == (
        "URL rule '/al' is an alias of endpoint 'al', which has no other rule to redirect to:"
        " add its canonical rule (without alias=True)"
    )


# --------------------------------------------------------------------------- merge_slashes


def test_merge_slashes_redirects_to_the_path_with_single_slashes() -> None:
    app, ran = redirect_app(
        ("/m/n", {}),
        ("/c//d", {}),  # the rule is "/c/d"
        ("/keep//k", {"merge_slashes": False}),
        ("/dd/<path:p>", {}),
        ("/sd/", {}),
        ("/st/<int:x>", {"methods": ["PUT"]}),
    )
    client = app.test_client()
    assert answer(client, "/m//n?x=1") == (308, "", "/m/n?x=1")
    assert answer(client, "/m///n") == (308, "", "/m/n")
    assert answer(client, "/m/n") == (200, "v0", None)
    assert answer(client, "/c/d") == (200, "v1", None)
    assert answer(client, "/c//d") == (308, "", "/c/d")
    assert answer(client, "/keep//k") == (200, "v2", None)
    assert answer(client, "/keep/k") == (404, "", None)
    assert answer(client, "/dd/a//b") == (200, "v3", None)  # a path variable takes "//" as is
    assert answer(client, "/sd//") == (308, "", "/sd/")
    assert answer(client, "/sd//x") == (404, "", None)
    response = client.get("/st//3")  # the merged path's 405
    assert (response.status_code, response.headers["Allow"]) == (405, "OPTIONS, PUT")
    assert answer(client, "/st//3", "PUT") == (308, "", "/st/3")
    assert ran == ["v0", "v1", "v2", "v3"]
    with app.test_request_context():
        assert app.url_for("v1") == "/c/d"
        assert app.url_for("v2") == "/keep//k"


def test_slashes_before_the_first_segment_are_not_part_of_the_path() -> None:
    """As Werkzeug's adapter: "//x" is "/x" (a match, not a redirect), whatever merge_slashes."""
    for merge in (True, False):
        m = Map([Rule("/x", endpoint="x"), Rule("/a/b", endpoint="ab")], merge_slashes=merge)
        assert endpoint(m, "//x") == ("x", {})
        assert endpoint(m, "///a/b") == ("ab", {})
    with pytest.raises(RequestRedirect) as info:
        make(Rule("/a/b", endpoint="ab")).match("//a//b", "GET", "q=1")
    assert info.value.new_url == "/a/b?q=1"
    client = client_for(("/x", {}))
    response = client.get("/", environ_overrides={"PATH_INFO": "//x"})
    assert (response.status_code, response.text) == (200, "v0")


def test_merge_slashes_reaches_static_rules_past_the_quick_404() -> None:
    """A first segment no rule has is a 404 at once; one a static rule has still gets "//"
    merged."""
    m = make(Rule("/about/", endpoint="about"), Rule("/x", endpoint="x"))
    with pytest.raises(RequestRedirect) as info:
        m.match("/about//", "GET")
    assert info.value.new_url == "/about/"
    for path in ("/x//", "/nope//x", "/about//y"):
        with pytest.raises(NotFound):
            m.match(path, "GET")


def test_merge_slashes_can_be_turned_off_per_map() -> None:
    m = Map([Rule("/a/b", endpoint="ab"), Rule("/c//d", endpoint="cd")], merge_slashes=False)
    with pytest.raises(NotFound):
        m.match("/a//b", "GET")
    assert endpoint(m, "/c//d") == ("cd", {})
    on = make(Rule("/a/b", endpoint="ab"))
    with pytest.raises(RequestRedirect) as info:
        on.match("/a//b", "GET")
    assert info.value.new_url == "/a/b"


# --------------------------------------------------------------------------- subdomains, hosts


def domain_map(*rules: Rule, **options: Any) -> Map:
    return Map(list(rules), **options)


def test_match_domain_tries_the_exact_subdomain_then_patterns_most_specific_first() -> None:
    m = domain_map(
        Rule("/", endpoint="any", subdomain="<sub>"),
        Rule("/", endpoint="num", subdomain="<int:n>"),
        Rule("/", endpoint="api", subdomain="api"),
        Rule("/", endpoint="index"),
        Rule("/only", endpoint="only", subdomain="<sub>"),
        Rule("/a<y>", endpoint="ax", subdomain="a<x>"),
    )
    assert m.match_domain("api", "/", "GET") == (m._rules[2], {})
    assert m.match_domain("", "/", "GET") == (m._rules[3], {})
    assert m.match_domain("5", "/", "GET") == (m._rules[1], {"n": 5})
    assert m.match_domain("a.b", "/", "GET") == (m._rules[0], {"sub": "a.b"})
    assert m.match_domain("api", "/only", "GET") == (m._rules[4], {"sub": "api"})
    assert m.match_domain("ab", "/ac", "GET") == (m._rules[5], {"x": "b", "y": "c"})
    assert m.match("/", "GET") == (m._rules[3], {})  # the default subdomain
    with pytest.raises(NotFound):
        m.match("/only", "GET")


def test_match_domain_adds_up_the_methods_of_every_matching_group() -> None:
    m = domain_map(
        Rule("/x", endpoint="get", subdomain="api", methods=["GET"]),
        Rule("/x", endpoint="post", subdomain="<sub>", methods=["POST"]),
        Rule("/x", endpoint="put", methods=["PUT"]),
    )
    assert m.match_domain("api", "/x", "POST") == (m._rules[1], {"sub": "api"})
    with pytest.raises(MethodNotAllowed) as info:
        m.match_domain("api", "/x", "DELETE")
    assert info.value.valid_methods == ["GET", "HEAD", "POST"]
    assert m.allowed_methods("/x", "api") == ["GET", "HEAD", "POST"]
    assert m.allowed_methods("/x") == ["PUT"]
    assert m.allowed_methods("/x", "zz") == ["POST"]


def test_match_domain_without_subdomain_rules_only_answers_the_default() -> None:
    m = domain_map(Rule("/", endpoint="index"))
    assert m.match_domain("", "/", "GET") == (m._rules[0], {})
    with pytest.raises(NotFound):
        m.match_domain("www", "/", "GET")
    assert m.allowed_methods("/", "www") == []
    www = domain_map(Rule("/", endpoint="index"), default_subdomain="www")
    assert www._rules[0].subdomain == "www"
    assert www.match_domain("www", "/", "GET") == (www._rules[0], {})


def test_a_pattern_matching_the_default_subdomain_joins_plain_matching() -> None:
    """With default_subdomain="www", "<sub>" matches it too: match() tries both groups."""
    m = domain_map(
        Rule("/", endpoint="sub", subdomain="<sub>", methods=["GET"]),
        Rule("/only-www", endpoint="www"),
        default_subdomain="www",
    )
    assert m.match("/", "GET") == (m._rules[0], {"sub": "www"})
    assert m.match("/only-www", "GET") == (m._rules[1], {})
    assert m.allowed_methods("/") == ["GET", "HEAD"]
    assert m.match_domain("api", "/", "GET") == (m._rules[0], {"sub": "api"})
    with pytest.raises(NotFound):
        m.match("/nope", "GET")


def test_host_matching_matches_the_whole_host() -> None:
    m = domain_map(
        Rule("/", endpoint="index", host="example.test"),
        Rule("/", endpoint="sub", host="<name>.example.test"),
        Rule("/", endpoint="dflt", host="<name>", defaults={"name": "default"}),
        Rule("/nohost", endpoint="nohost"),
        host_matching=True,
    )
    assert m.host_matching is True
    assert m.match_domain("example.test", "/", "GET") == (m._rules[0], {})
    assert m.match_domain("a.example.test", "/", "GET") == (m._rules[1], {"name": "a"})
    # the rule's defaults win over its host's values, as in Werkzeug
    assert m.match_domain("other.test", "/", "GET") == (m._rules[2], {"name": "default"})
    with pytest.raises(NotFound):
        m.match_domain("example.test", "/nohost", "GET")
    assert m.build_domain("sub", {"name": "q"}) == ("q.example.test", "/")
    assert m.build_domain("index", {"x": 1}) == ("example.test", "/?x=1")
    assert m.build_domain("nohost") == ("", "/nohost")
    assert m.build("sub", {"name": "q"}) == "/"  # the path alone


def test_build_domain_prefers_a_rule_of_the_given_host() -> None:
    m = domain_map(
        Rule("/a", endpoint="e", host="one.test"),
        Rule("/b", endpoint="e", host="two.test"),
        host_matching=True,
    )
    assert m.build_domain("e") == ("one.test", "/a")
    assert m.build_domain("e", prefer="two.test") == ("two.test", "/b")
    assert m.build_domain("e", prefer="three.test") == ("one.test", "/a")
    with pytest.raises(BuildError):
        m.build_domain("nope")


def test_subdomain_values_fill_redirect_to_placeholders() -> None:
    m = domain_map(
        Rule("/old/<int:id>", endpoint="old", subdomain="<user>", redirect_to="/new/<user>/<id>")
    )
    with pytest.raises(RequestRedirect) as info:
        m.match_domain("bob", "/old/3", "GET")
    assert info.value.new_url == "/new/bob/3"


def sub_app(**options: Any) -> Any:
    app = Flask(__name__, **options)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/api-only", subdomain="api")
    def api() -> str:
        return "api"

    @app.route("/u/<int:id>", subdomain="<user>")
    def user(user: str, id: int) -> str:
        return f"user {user} {id}"

    return app


def test_subdomain_rules_never_match_without_subdomain_matching() -> None:
    """Flask 3.1: without subdomain_matching every request is one to the default subdomain,
    whatever its host (SERVER_NAME no longer refuses other hosts)."""
    client = sub_app().test_client()
    for host in ("example.test", "api.example.test", "other.test"):
        assert answer(client, f"http://{host}/api-only") == (404, "", None)
        assert answer(client, f"http://{host}/u/1") == (404, "", None)
        assert answer(client, f"http://{host}/") == (200, "index", None)


def test_subdomain_matching_routes_by_the_subdomain_of_server_name() -> None:
    client = sub_app(subdomain_matching=True).test_client()
    assert answer(client, "http://example.test/") == (200, "index", None)
    assert answer(client, "http://example.test/api-only") == (404, "", None)
    assert answer(client, "http://api.example.test/api-only") == (200, "api", None)
    assert answer(client, "http://api.example.test/") == (404, "", None)
    assert answer(client, "http://a.b.example.test/u/7") == (200, "user a.b 7", None)
    assert answer(client, "http://BOB.Example.TEST/u/7") == (200, "user bob 7", None)
    assert answer(client, "http://example.test:80/") == (200, "index", None)
    assert answer(client, "https://example.test:443/") == (200, "index", None)
    response = client.get("/", base_url="http://api.example.test")
    assert response.status_code == 404


@pytest.mark.parametrize("host", ["other.test", "example.test:8080", "127.0.0.1"])
def test_a_host_outside_server_name_warns_and_routes_as_an_invalid_subdomain(host: str) -> None:
    client = sub_app(subdomain_matching=True).test_client()
    with pytest.warns(UserWarning) as record:
        assert answer(client, f"http://{host}/") == (404, "", None)
    assert str(record[0].message) == (
        f"Current server name {host!r} doesn't match configured server name 'example.test':"
        " routing the request as the subdomain '<invalid>'. Set SERVER_NAME to the host"
        " clients use, or turn subdomain_matching off."
    )
    with pytest.warns(UserWarning, match="^Current server name"):
        assert answer(client, f"http://{host}/u/1") == (200, "user <invalid> 1", None)


def test_subdomain_matching_without_server_name_routes_every_host_as_the_default() -> None:
    app = sub_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = None
    client = app.test_client()
    assert answer(client, "http://api.localhost/") == (200, "index", None)
    assert answer(client, "http://api.localhost/api-only") == (404, "", None)


def test_subdomain_matching_with_a_port_in_server_name() -> None:
    app = sub_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test:3000"
    client = app.test_client()
    assert answer(client, "http://api.example.test:3000/api-only") == (200, "api", None)
    assert answer(client, "http://example.test:3000/") == (200, "index", None)
    app.config["SERVER_NAME"] = "example.test:443"  # the scheme's own port is not in the host
    assert answer(client, "https://api.example.test/api-only") == (200, "api", None)


def test_the_methods_of_every_matching_subdomain_group_make_the_405_and_options() -> None:
    app = Flask(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/x", "get", lambda: "get", subdomain="api")
    app.add_url_rule("/x", "post", lambda sub: "post " + sub, subdomain="<sub>", methods=["POST"])
    client = app.test_client()
    response = client.put("http://api.example.test/x")
    assert (response.status_code, response.headers["Allow"]) == (405, "GET, HEAD, OPTIONS, POST")
    response = client.options("http://api.example.test/x")
    assert (response.status_code, response.headers["Allow"]) == (200, "GET, HEAD, OPTIONS, POST")
    response = client.options("http://zz.example.test/x")
    assert (response.status_code, response.headers["Allow"]) == (200, "OPTIONS, POST")
    assert answer(client, "http://zz.example.test/x", "POST") == (200, "post zz", None)


def host_app() -> Any:
    app = Flask(__name__, host_matching=True, static_host="static.test")
    app.add_url_rule("/", "index", lambda: "index", host="example.test")
    app.add_url_rule("/", "sub", lambda name: f"sub {name}", host="<name>.example.test")
    app.add_url_rule("/p", "port", lambda: "port", host="example.test:8080")
    app.add_url_rule("/nohost", "nohost", lambda: "nohost")
    return app


def test_host_matching_routes_by_the_whole_host() -> None:
    client = host_app().test_client()
    assert answer(client, "http://example.test/") == (200, "index", None)
    assert answer(client, "http://Example.Test:80/") == (200, "index", None)
    assert answer(client, "http://a.example.test/") == (200, "sub a", None)
    assert answer(client, "http://example.test:8080/p") == (200, "port", None)
    assert answer(client, "http://example.test/p") == (404, "", None)
    assert answer(client, "http://other.test/") == (404, "", None)
    assert answer(client, "http://example.test/nohost") == (404, "", None)  # as in Werkzeug


@pytest.mark.parametrize(
    ("subdomain_matching", "host_matching", "expected"),
    [
        (False, False, ["default", "default", "default"]),
        (True, False, ["default", "abc", "<invalid>"]),
        (False, True, ["default", "abc", "default"]),
    ],
)
def test_flask_server_name_matching_table(
    subdomain_matching: bool, host_matching: bool, expected: list[str]
) -> None:
    """Flask 3.1's test_server_name_matching: one rule per mode, the other option ignored."""
    app = Flask(
        __name__,
        subdomain_matching=subdomain_matching,
        host_matching=host_matching,
        static_host="example.test" if host_matching else None,
    )
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/", defaults={"name": "default"}, host="<name>")
    @app.route("/", subdomain="<name>", host="<name>.example.test")
    def index(name: str) -> str:
        return name

    client = app.test_client()
    texts = []
    for base_url in ("http://example.test", "http://abc.example.test", "http://xyz.other.test"):
        if subdomain_matching and "other" in base_url:
            with pytest.warns(UserWarning, match="^Current server name 'xyz.other.test'"):
                texts.append(client.get(base_url=base_url).text)
        else:
            texts.append(client.get(base_url=base_url).text)
    assert texts == expected


def test_host_matching_never_routes_on_a_crafted_host() -> None:
    """A Host with characters no host name has reads as "" (Werkzeug): a 404, never a value."""
    app = Flask(__name__, host_matching=True, static_folder=None)

    @app.route("/", host="<user>.example.test")
    def profile(user: str) -> str:
        return f"profile of {user}"

    client = app.test_client()
    assert client.get("/", headers={"Host": "alex.example.test"}).text == "profile of alex"
    assert client.get("/", headers={"Host": "<script>.example.test"}).status_code == 404
    assert client.get("/", headers={"Host": "a\\b.example.test"}).status_code == 404


# --------------------------------------------------------------------------- aliases across domains


def alias_sub_app(**options: Any) -> Any:
    app = Flask(__name__, **options)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/new", "new", lambda: "new", subdomain="api")
    app.add_url_rule("/old", "new", alias=True)
    app.add_url_rule("/old-api", "new", alias=True, subdomain="api")
    app.add_url_rule("/home", "home", lambda: "home")
    app.add_url_rule("/h", "home", alias=True, subdomain="api")
    app.add_url_rule("/u/<int:id>", "user", lambda user, id: f"{user} {id}", subdomain="<user>")
    app.add_url_rule("/uold/<int:id>", "user", alias=True, subdomain="<user>")
    app.add_url_rule("/rt", "rt", redirect_to="/target", subdomain="api")
    return app


@pytest.mark.both_protocols
def test_an_alias_of_a_rule_on_another_subdomain_redirects_to_an_absolute_url(
    protocol: str,
) -> None:
    """As Werkzeug: the canonical URL is on another subdomain, so Location names its host
    (scheme, subdomain of SERVER_NAME, mount point, path, query); a relative one would 404."""
    client = alias_sub_app(subdomain_matching=True).test_client()
    assert answer(client, "http://example.test/old?q=1&r=2") == (
        308,
        "",
        "http://api.example.test/new?q=1&r=2",
    )
    assert answer(client, "http://api.example.test/new?q=1&r=2") == (200, "new", None)
    assert answer(client, "https://api.example.test/h") == (308, "", "https://example.test/home")
    response = client.get("/old", base_url="http://example.test/mount/")
    assert response.headers["Location"] == "http://api.example.test/mount/new"
    # On the request's own subdomain the redirect stays relative (as every router redirect).
    assert answer(client, "http://api.example.test/old-api?q=1") == (308, "", "/new?q=1")
    assert answer(client, "http://bob.example.test/uold/3?x=y") == (308, "", "/u/3?x=y")
    response = client.get("/old-api", base_url="http://api.example.test/mount/")
    assert response.headers["Location"] == "/mount/new"
    # redirect_to goes to a URL on the request's host (Werkzeug joins it with it).
    assert answer(client, "http://api.example.test/rt?q=1") == (308, "", "/target")


@pytest.mark.both_protocols
def test_an_alias_of_a_rule_on_another_subdomain_without_subdomain_matching(
    protocol: str,
) -> None:
    """Every request is one to the default subdomain: the canonical rule's is another."""
    client = alias_sub_app().test_client()
    assert answer(client, "http://example.test/old?q=1") == (
        308,
        "",
        "http://api.example.test/new?q=1",
    )


@pytest.mark.both_protocols
def test_an_alias_of_a_rule_on_another_host_redirects_to_an_absolute_url(protocol: str) -> None:
    """Host matching: the canonical rule's host, with its port (Werkzeug 3.1 prefers the
    alias itself there, a redirect to the same URL)."""
    app = Flask(__name__, host_matching=True, static_host="a.test")
    app.add_url_rule("/new", "new", lambda: "new", host="b.test")
    app.add_url_rule("/old", "new", alias=True, host="a.test")
    app.add_url_rule("/p", "port", lambda: "port", host="b.test:8080")
    app.add_url_rule("/pold", "port", alias=True, host="a.test")
    app.add_url_rule("/same", "same", lambda: "same", host="a.test")
    app.add_url_rule("/same-old", "same", alias=True, host="a.test")
    app.add_url_rule("/", "sub", lambda name: name, host="<name>.c.test")
    app.add_url_rule("/sold", "sub", alias=True, host="<name>.c.test")
    app.add_url_rule("/nohost", "nohost", lambda: "nohost")
    app.add_url_rule("/nold", "nohost", alias=True, host="a.test")
    client = app.test_client()
    assert answer(client, "http://a.test/old?q=1") == (308, "", "http://b.test/new?q=1")
    assert answer(client, "http://b.test/new?q=1") == (200, "new", None)
    assert answer(client, "https://a.test/pold") == (308, "", "https://b.test:8080/p")
    response = client.get("/old", base_url="http://a.test/mount/")
    assert response.headers["Location"] == "http://b.test/mount/new"
    assert answer(client, "http://a.test/same-old?q=1") == (308, "", "/same?q=1")
    assert answer(client, "http://x.c.test/sold") == (308, "", "/")
    # A rule without a host is built for the current one (as url_for builds it).
    assert answer(client, "http://a.test/nold") == (308, "", "/nohost")


def test_an_alias_across_domains_outside_a_request_stays_relative() -> None:
    """The Map on its own knows no scheme nor server name: the path, as before."""
    m = domain_map(
        Rule("/new", endpoint="new", host="b.test"),
        Rule("/old", endpoint="new", alias=True, host="a.test"),
        host_matching=True,
    )
    with pytest.raises(RequestRedirect) as info:
        m.match_domain("a.test", "/old", "GET", "q=1")
    assert info.value.new_url == "/new?q=1"
