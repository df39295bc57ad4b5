"""tray.json: bytes identical to Flask 3.1's DefaultJSONProvider (literals verified with Flask)."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import decimal
import enum
import io
import json
import math
import uuid
from typing import Any

import orjson
import pytest

import tray.json as tj
from tray.json.provider import DefaultJSONProvider, JSONProvider


class FakeResponse:
    def __init__(
        self,
        body: bytes,
        status: int | None = None,
        headers: Any = None,
        mimetype: str | None = None,
    ) -> None:
        self.body = body
        self.status = status
        self.headers = headers
        self.mimetype = mimetype


class FakeApp:
    response_class = FakeResponse

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug
        self.json: JSONProvider = DefaultJSONProvider(self)


def body(obj: Any, debug: bool = False) -> bytes:
    app = FakeApp(debug)
    resp = app.json.response(obj)
    assert isinstance(resp, FakeResponse)
    assert resp.mimetype == "application/json"
    return resp.body


@dataclasses.dataclass
class Inner:
    n: float
    when: dt.date


@dataclasses.dataclass
class Outer:
    name: str
    inner: Inner
    tags: list[Any]


class IE(enum.IntEnum):
    A = 3


class SE(enum.StrEnum):
    A = "x"


class Color(enum.Enum):
    RED = "r"


class NanEnum(enum.Enum):
    N = math.nan


class Html:
    def __html__(self) -> str:
        return "<i>h</i>"


class Markupish(str):
    def __html__(self) -> str:
        return str(self)


class FS(float):
    pass


Point = collections.namedtuple("Point", "x y")

CASES: dict[str, tuple[Any, bytes]] = {
    "sort": (
        {"b": 1, "a": [1, 2], "C": None, "é": True, "": False},
        b'{"":false,"C":null,"a":[1,2],"b":1,"\\u00e9":true}',
    ),
    "sort_astral": (
        {"\U00010000": 1, "\uffff": 2, "z": 3},
        b'{"z":3,"\\uffff":2,"\\ud800\\udc00":1}',
    ),
    "unicode": ({"k": "héllo €"}, b'{"k":"h\\u00e9llo \\u20ac"}'),
    "emoji": (["😀", "a\U0001f600b"], b'["\\ud83d\\ude00","a\\ud83d\\ude00b"]'),
    "del": ("a\x7fb", b'"a\\u007fb"'),
    "ctrl": (
        '\x00\x01\x08\t\n\x0b\x0c\r\x1f"\\/',
        b'"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/"',
    ),
    "lone_surrogate": ("a\ud800", b'"a\\ud800"'),
    "float_top_small": (1e-05, b"1e-05"),
    "float_top_big": (1e16, b"1e+16"),
    "floats_list": (
        [1e-07, 2.5e-06, 0.0001, 5e-05, 1.5e300, 1e22, -1e-09, 0.1, 100.0, -0.0, 1e15],
        b"[1e-07,2.5e-06,0.0001,5e-05,1.5e+300,1e+22,-1e-09,0.1,100.0,-0.0,1000000000000000.0]",
    ),
    "float_long_mantissa": (
        [1.2345678901234567e-08, 10.00001],
        b"[1.2345678901234567e-08,10.00001]",
    ),
    "floats_dict": ({"a": 1e-05, "b": {"c": [3e-07]}}, b'{"a":1e-05,"b":{"c":[3e-07]}}'),
    "float_like_string": (
        {"s": "1e5 0.00001 1e-7", "f": 1e-07},
        b'{"f":1e-07,"s":"1e5 0.00001 1e-7"}',
    ),
    "float_subclass": ([FS(1e-05)], b"[1e-05]"),
    "big_ints": (
        [2**64, -(2**63) - 1, 2**63 - 1, 2**100],
        b"[18446744073709551616,-9223372036854775809,9223372036854775807,"
        b"1267650600228229401496703205376]",
    ),
    "int_keys_numeric_sort": ({1: "a", 10: "b", 2: "c"}, b'{"1":"a","2":"c","10":"b"}'),
    "float_keys": ({1.5: "x", 1e-07: "y"}, b'{"1e-07":"y","1.5":"x"}'),
    "dates": (
        [
            dt.date(2024, 2, 29),
            dt.datetime(1970, 1, 1),
            dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ],
        b'["Thu, 29 Feb 2024 00:00:00 GMT","Thu, 01 Jan 1970 00:00:00 GMT",'
        b'"Mon, 06 May 2024 05:08:09 GMT"]',
    ),
    "decimal_uuid": (
        [decimal.Decimal("1.10"), uuid.UUID("12345678-1234-5678-1234-567812345678")],
        b'["1.10","12345678-1234-5678-1234-567812345678"]',
    ),
    "dataclass_nested": (
        Outer("o", Inner(1, dt.date(2000, 1, 1)), ["t", 1e-05]),
        b'{"inner":{"n":1,"when":"Sat, 01 Jan 2000 00:00:00 GMT"},"name":"o","tags":["t",1e-05]}',
    ),
    "html_str_subclass": ({"m": Markupish("<b>é</b>")}, b'{"m":"<b>\\u00e9</b>"}'),
    "html_object": ([Html()], b'["<i>h</i>"]'),
    "int_and_str_enums": ({"i": IE.A, "s": SE.A}, b'{"i":3,"s":"x"}'),
    "ordered_dict": (
        collections.OrderedDict([("z", 1), ("a", (1, 2))]),
        b'{"a":[1,2],"z":1}',
    ),
    "namedtuple": (Point(1, "é"), b'[1,"\\u00e9"]'),
    "nested_empty": ({"a": [], "b": {}, "c": [{}]}, b'{"a":[],"b":{},"c":[{}]}'),
    "sparse_unicode": (
        {"text": "a" * 1000 + "é" + "b" * 1000 + "😀\x7f", "n": None},
        b'{"n":null,"text":"' + b"a" * 1000 + b"\\u00e9" + b"b" * 1000 + b'\\ud83d\\ude00\\u007f"}',
    ),
    "float_lookalike_strings": (
        ["version 0.0000 and e-1 in text", 10.00001, 2e-1],
        b'["version 0.0000 and e-1 in text",10.00001,0.2]',
    ),
    "float_containing_zeros": ([10.00001, -30.000001], b"[10.00001,-30.000001]"),
    "null_in_strings": (
        {"a": None, "s": "null null", "v": 1.5},
        b'{"a":null,"s":"null null","v":1.5}',
    ),
    "nested": ([[[[[[1]]]]]], b"[[[[[[1]]]]]]"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_response_compact_matches_flask(name: str) -> None:
    obj, expected = CASES[name]
    assert body(obj) == expected + b"\n"


def test_very_deep_nesting_falls_back_to_stdlib() -> None:
    obj: Any = 1
    for _ in range(300):  # beyond orjson's 254-level limit
        obj = [obj]
    assert body(obj) == b"[" * 300 + b"1" + b"]" * 300 + b"\n"


def test_response_debug_indents() -> None:
    assert body({"b": [1, 2], "a": "é", "c": {}, "d": []}, debug=True) == (
        b'{\n  "a": "\\u00e9",\n  "b": [\n    1,\n    2\n  ],\n  "c": {},\n  "d": []\n}\n'
    )
    assert body({"a": 1e-05, "b": {"c": [3e-07]}}, debug=True) == (
        b'{\n  "a": 1e-05,\n  "b": {\n    "c": [\n      3e-07\n    ]\n  }\n}\n'
    )
    assert body({1: "a", 10: "b", 2: "c"}, debug=True) == (
        b'{\n  "1": "a",\n  "2": "c",\n  "10": "b"\n}\n'
    )


def test_compact_setting_overrides_debug() -> None:
    app = FakeApp(debug=True)
    provider = DefaultJSONProvider(app)
    provider.compact = True
    assert provider.response(a=[1]).body == b'{"a":[1]}\n'
    provider.compact = False
    app.debug = False
    assert provider.response(a=[1]).body == b'{\n  "a": [\n    1\n  ]\n}\n'


def test_args_kwargs_combinations() -> None:
    app = FakeApp()
    assert app.json.response().body == b"null\n"
    assert app.json.response(a=1, b=2).body == b'{"a":1,"b":2}\n'
    assert app.json.response([1]).body == b"[1]\n"
    assert app.json.response(1, "x").body == b'[1,"x"]\n'
    with pytest.raises(TypeError, match="either positional args or keyword args"):
        app.json.response(1, a=2)


def test_settings_ensure_ascii_and_sort_keys_off() -> None:
    app = FakeApp()
    provider = DefaultJSONProvider(app)
    provider.ensure_ascii = False
    provider.sort_keys = False
    assert provider.response({"b": "é\x7f😀", "a": 1e-07}).body == (
        '{"b":"é\x7f😀","a":1e-07}\n'.encode()
    )
    assert provider.dumps({"b": "é", "a": 1}) == '{"b": "é", "a": 1}'


def test_custom_default_and_mimetype() -> None:
    class Tagged:
        pass

    class Provider(DefaultJSONProvider):
        mimetype = "application/vnd.api+json"

        @staticmethod
        def default(o: Any) -> Any:
            if isinstance(o, Tagged):
                return {"tag": 1e-05}
            return DefaultJSONProvider.default(o)

    app = FakeApp()
    provider = Provider(app)
    resp = provider.response([Tagged(), dt.date(2020, 1, 2)])
    assert resp.body == b'[{"tag":1e-05},"Thu, 02 Jan 2020 00:00:00 GMT"]\n'
    assert resp.mimetype == "application/vnd.api+json"
    assert provider.dumps(Tagged()) == '{"tag": 1e-05}'


def test_overridden_dumps_is_used_by_response() -> None:
    class Provider(DefaultJSONProvider):
        def dumps(self, obj: Any, **kwargs: Any) -> str:
            return "custom:" + json.dumps(kwargs.get("separators"))

    app = FakeApp()
    assert Provider(app).response(1).body == b'custom:[",", ":"]\n'


@pytest.mark.parametrize(
    ("obj", "shown"),
    [
        (math.nan, "nan"),
        ([1, math.inf], "inf"),
        ({"a": {"b": -math.inf}}, "-inf"),
        (Inner(math.nan, dt.date(2000, 1, 1)), "nan"),
        ((None, FS("nan")), "nan"),
        ({"a": None, "s": Markupish("x"), "o": collections.OrderedDict(x=math.inf)}, "inf"),
        ([None, Point(None, NanEnum.N)], "nan"),
    ],
)
def test_non_finite_floats_raise(obj: Any, shown: str) -> None:
    message = f"Out of range float value {shown} is not valid JSON; replace it"
    with pytest.raises(ValueError, match=message):
        body(obj)
    with pytest.raises(ValueError, match=message):
        DefaultJSONProvider(FakeApp()).dumps(obj)


def test_non_finite_in_stdlib_fallback_raises() -> None:
    with pytest.raises(ValueError, match="value inf is not valid JSON"):
        body({1: math.inf})  # int key: orjson declines, the stdlib path must still refuse


def test_nan_found_after_real_nulls() -> None:
    obj = {"a": None, "b": [None, {"c": None}], "s": "null", "z": [1.0, math.nan]}
    with pytest.raises(ValueError, match="value nan is not valid JSON"):
        body(obj)


def test_escape_handler_only_handles_encoding() -> None:
    with pytest.raises(UnicodeDecodeError):
        b"\xff".decode("utf-8", "tray.json.ensure_ascii")


def test_null_alone_is_fine() -> None:
    assert body({"a": None, "s": "null"}) == b'{"a":null,"s":"null"}\n'


def test_allow_nan_opt_in_for_dumps() -> None:
    assert DefaultJSONProvider(FakeApp()).dumps([math.nan], allow_nan=True) == "[NaN]"


@pytest.mark.parametrize(
    ("obj", "type_name"),
    [(b"x", "bytes"), (dt.time(1, 2), "time"), ({1, 2}, "set"), (object(), "object")],
)
def test_unknown_type_error_teaches(obj: Any, type_name: str) -> None:
    message = f"Object of type {type_name} is not JSON serializable: convert it"
    with pytest.raises(TypeError, match=message):
        body([obj])
    with pytest.raises(TypeError, match=message):
        DefaultJSONProvider(FakeApp()).dumps(obj)


def test_mixed_key_types_raise_like_stdlib() -> None:
    with pytest.raises(TypeError, match="'<' not supported"):
        body({True: 1, None: 2})


def test_circular_reference_raises() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        body(loop)


def test_plain_enum_encodes_by_value_everywhere() -> None:
    # Deliberate: orjson always encodes enums by value, so the stdlib path agrees.
    assert body([Color.RED]) == b'["r"]\n'
    assert DefaultJSONProvider(FakeApp()).dumps(Color.RED) == '"r"'


def test_dumps_uses_flask_separators_and_settings() -> None:
    provider = DefaultJSONProvider(FakeApp())
    assert provider.dumps({"b": 1, "a": "é", "f": 1e-07}) == '{"a": "\\u00e9", "b": 1, "f": 1e-07}'
    assert provider.dumps({"a": 1}, indent=1) == '{\n "a": 1\n}'


def test_dump_and_load_files() -> None:
    provider = DefaultJSONProvider(FakeApp())
    fp = io.StringIO()
    provider.dump({"a": [1]}, fp)
    assert fp.getvalue() == '{"a": [1]}'
    assert provider.load(io.StringIO('{"a": [1]}')) == {"a": [1]}
    assert provider.load(io.BytesIO(b'{"a": "\xc3\xa9"}')) == {"a": "é"}


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, "x", null, true, false, {}]}',
        "18446744073709551616",
        "[-9223372036854775809, 123456789012345678901234567890]",
        '"\\u00e9\\ud83d\\ude00"',
        "1e-7",
    ],
)
def test_loads_matches_stdlib(text: str) -> None:
    provider = DefaultJSONProvider(FakeApp())
    expected = json.loads(text)
    for value in (provider.loads(text), provider.loads(text.encode())):
        assert value == expected
        assert type(value) is type(expected)


def test_loads_kwargs_use_stdlib() -> None:
    provider = DefaultJSONProvider(FakeApp())
    assert provider.loads("[1.5]", parse_float=decimal.Decimal) == [decimal.Decimal("1.5")]


@pytest.mark.parametrize("bad", ["", "{", "[1,]", "NaN", b"\xff", "{'a': 1}"])
def test_loads_invalid_raises_value_error(bad: str | bytes) -> None:
    with pytest.raises(ValueError):
        DefaultJSONProvider(FakeApp()).loads(bad)


@pytest.mark.parametrize(
    "raw",
    [b'\xef\xbb\xbf{"a": 1}', '{"a": 1}'.encode("utf-16"), '{"a": 1}'.encode("utf-32-le")],
)
def test_loads_reads_a_bom_and_utf16_32_as_flask_does(raw: bytes) -> None:
    assert DefaultJSONProvider(FakeApp()).loads(raw) == {"a": 1}


def test_base_provider() -> None:
    class Upper(JSONProvider):
        def dumps(self, obj: Any, **kwargs: Any) -> str:
            return json.dumps(obj).upper()

    app = FakeApp()
    resp = Upper(app).response(a="x")
    assert (resp.body, resp.mimetype) == (b'{"A": "X"}', "application/json")
    assert Upper(app).response(["x"]).body == b'["X"]'
    assert Upper(app).response().body == b"NULL"
    with pytest.raises(NotImplementedError, match="must implement loads"):
        Upper(app).loads("1")
    with pytest.raises(NotImplementedError, match="must implement dumps"):
        JSONProvider(app).dumps(1)


def test_provider_holds_app_weakly() -> None:
    app = FakeApp()
    provider = app.json
    del app
    with pytest.raises(ReferenceError):
        provider.response(1)


# Module functions -------------------------------------------------------------------------------


def test_module_functions_without_app() -> None:
    # Like Flask outside an app: stdlib json with tray's default, keys not sorted.
    assert tj.dumps({"b": 1, "a": "é", "d": dt.date(2020, 1, 2)}) == (
        '{"b": 1, "a": "\\u00e9", "d": "Thu, 02 Jan 2020 00:00:00 GMT"}'
    )
    with pytest.raises(ValueError, match="value nan is not valid JSON"):
        tj.dumps([math.nan])
    fp = io.StringIO()
    tj.dump([1], fp)
    assert fp.getvalue() == "[1]"
    assert tj.loads(b"[1]") == [1]
    assert tj.load(io.StringIO("[2]")) == [2]
    with pytest.raises(RuntimeError, match="jsonify\\(\\) needs the active app"):
        tj.jsonify(a=1)


def test_module_functions_use_current_app(monkeypatch: pytest.MonkeyPatch) -> None:
    class Provider(DefaultJSONProvider):
        sort_keys = False

        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            return ("custom", super().loads(s, **kwargs))

    app = FakeApp()
    app.json = Provider(app)
    monkeypatch.setattr(tj, "current_app_or_none", lambda: app)
    assert tj.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    fp = io.StringIO()
    tj.dump({"b": 1, "a": 2}, fp)
    assert fp.getvalue() == '{"b": 1, "a": 2}'
    assert tj.loads("[1]") == ("custom", [1])
    assert tj.load(io.StringIO("[1]")) == ("custom", [1])
    resp = tj.jsonify(b=1, a=2)
    assert resp.body == b'{"b":1,"a":2}\n'


def test_jsonify_always_goes_through_the_apps_provider_response() -> None:
    """As Flask's: a response() replaced on the instance, or a provider of another kind
    (anything with a response()), is what jsonify calls."""
    from tray import Flask

    app = Flask(__name__)
    calls: list[tuple[Any, ...]] = []
    real = app.json.response

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    app.json.response = spy  # type: ignore[method-assign]
    with app.app_context():
        assert tj.jsonify({"a": 1}).get_data() == b'{"a":1}\n'
    assert calls == [({"a": 1},)]

    class Duck:
        def response(self, *args: Any, **kwargs: Any) -> Any:
            return app.response_class("quack", mimetype="application/json")

    app.json = Duck()  # type: ignore[assignment]
    with app.app_context():
        assert tj.jsonify({"a": 1}).get_data() == b"quack"


def test_orjson_assumptions_still_hold() -> None:
    # If orjson changes these, the fix-ups in provider.py need revisiting.
    assert orjson.dumps([1e-05, 1e-07, 1e16, "é\x7f", math.nan]) == (
        b'[0.00001,1e-7,1e+16,"\xc3\xa9\x7f",null]'
    )
