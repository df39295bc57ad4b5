"""Exact-behaviour tests for tray.datastructures (semantics checked against Werkzeug 3.1)."""

from __future__ import annotations

import copy
import io
import pickle
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tray.datastructures import (
    Authorization,
    CombinedMultiDict,
    ContentRange,
    ContentSecurityPolicy,
    FileStorage,
    HeaderSet,
    IfRange,
    ImmutableMultiDict,
    MultiDict,
    Range,
    RequestCacheControl,
    ResponseCacheControl,
    WWWAuthenticate,
)
from tray.exceptions import BadRequestKeyError
from tray.headers import EnvironHeaders, Headers
from tray.headervalues import _MethodSet


def sample() -> Headers:
    return Headers([("A", "1"), ("b", "2"), ("a", "3")])


# =============================================================================================
# Headers
# =============================================================================================


class TestHeadersConstruction:
    def test_empty(self) -> None:
        h = Headers()
        assert h.to_wsgi_list() == []
        assert not h
        assert len(h) == 0
        assert repr(h) == "Headers([])"
        assert str(h) == "\r\n"

    def test_from_pairs(self) -> None:
        h = Headers([("Content-Type", "text/html"), ("X-N", 5), ("X-B", b"caf\xe9")])
        assert h.to_wsgi_list() == [
            ("Content-Type", "text/html"),
            ("X-N", "5"),
            ("X-B", "caf\xe9"),
        ]

    def test_from_mapping_with_lists(self) -> None:
        h = Headers({"a": ["1", "2"], "b": 3, "c": ("x",)})
        assert h.to_wsgi_list() == [("a", "1"), ("a", "2"), ("b", "3"), ("c", "x")]

    def test_from_headers_copies(self) -> None:
        original = sample()
        h = Headers(original)
        assert h.to_wsgi_list() == original.to_wsgi_list()
        assert h.to_wsgi_list() is not original.to_wsgi_list()

    def test_from_multidict(self) -> None:
        h = Headers(MultiDict([("a", "1"), ("a", "2")]))
        assert h.to_wsgi_list() == [("a", "1"), ("a", "2")]

    def test_validates_names_and_values(self) -> None:
        with pytest.raises(ValueError, match="Invalid header name 'X Bad'"):
            Headers([("X Bad", "v")])
        with pytest.raises(ValueError, match="Header 'X-A' value 'a\\\\r\\\\nb' contains a CR"):
            Headers({"X-A": "a\r\nb"})
        with pytest.raises(TypeError, match=r"Header 'X-A' value 1\.5 is a float"):
            Headers({"X-A": 1.5})
        with pytest.raises(TypeError, match="Header 'X-A' value True is a bool"):
            Headers([("X-A", True)])

    @pytest.mark.parametrize("bad", [["abc"], [("a", "b", "c")], [1]])
    def test_bad_pairs(self, bad: list[Any]) -> None:
        with pytest.raises(TypeError, match=r"Expected a \(name, value\) pair, got .*2-tuples"):
            Headers(bad)

    def test_trusted_wraps_without_copy_or_checks(self) -> None:
        raw = [("X-Raw", "a\r\nb")]
        h = Headers._trusted(raw)
        assert h.to_wsgi_list() is raw
        assert type(h) is Headers

    def test_trusted_subclass(self) -> None:
        class MyHeaders(Headers):
            __slots__ = ()

        h = MyHeaders._trusted([("a", "b")])
        assert type(h) is MyHeaders
        assert type(h.copy()) is MyHeaders
        assert type(h[0:1]) is MyHeaders

    def test_slots(self) -> None:
        with pytest.raises(AttributeError):
            Headers().foo = 1  # type: ignore[attr-defined]


class TestHeadersReading:
    def test_getitem(self) -> None:
        h = sample()
        assert h["a"] == "1"
        assert h["A"] == "1"
        assert h["B"] == "2"
        assert h[0] == ("A", "1")
        assert h[-1] == ("a", "3")
        sliced = h[0:2]
        assert isinstance(sliced, Headers)
        assert sliced.to_wsgi_list() == [("A", "1"), ("b", "2")]

    def test_getitem_missing(self) -> None:
        h = sample()
        with pytest.raises(BadRequestKeyError) as info:
            h["zz"]
        assert isinstance(info.value, KeyError)
        assert info.value.args == ("zz",)
        with pytest.raises(IndexError):
            h[5]

    def test_getitem_bad_type(self) -> None:
        with pytest.raises(TypeError, match=r"Header keys must be str .* not 1.5"):
            sample()[1.5]  # type: ignore[call-overload]

    def test_get(self) -> None:
        h = sample()
        assert h.get("a") == "1"
        assert h.get("zz") is None
        assert h.get("zz", "d") == "d"
        assert h.get("a", type=int) == 1
        assert h.get("zz", 7, type=int) == 7

    def test_get_type_failure_returns_default(self) -> None:
        h = Headers({"X-N": "abc"})
        assert h.get("X-N", type=int) is None
        assert h.get("X-N", 9, type=int) == 9

        def boom(value: str) -> int:
            raise TypeError(value)

        assert h.get("X-N", 3, type=boom) == 3

        def other(value: str) -> int:
            raise ZeroDivisionError(value)

        with pytest.raises(ZeroDivisionError):
            h.get("X-N", type=other)

    def test_getlist(self) -> None:
        h = sample()
        assert h.getlist("a") == ["1", "3"]
        assert h.getlist("A", type=int) == [1, 3]
        assert h.getlist("zz") == []
        assert Headers([("a", "1"), ("a", "x"), ("a", "3")]).getlist("a", type=int) == [1, 3]

        def boom(value: str) -> int:
            raise TypeError(value)

        assert h.getlist("a", type=boom) == []

    def test_contains(self) -> None:
        h = sample()
        assert "a" in h
        assert "A" in h
        assert "B" in h
        assert "zz" not in h
        assert 1 not in h
        assert ("A", "1") not in h

    def test_iteration_views(self) -> None:
        h = sample()
        assert list(h) == [("A", "1"), ("b", "2"), ("a", "3")]
        assert list(h.keys()) == ["A", "b", "a"]
        assert list(h.keys(lower=True)) == ["a", "b", "a"]
        assert list(h.values()) == ["1", "2", "3"]
        assert list(h.items()) == [("A", "1"), ("b", "2"), ("a", "3")]
        assert list(h.items(lower=True)) == [("a", "1"), ("b", "2"), ("a", "3")]
        assert len(h) == 3
        assert h

    def test_to_wsgi_list_is_the_storage(self) -> None:
        h = sample()
        lst = h.to_wsgi_list()
        h.add("X", "y")
        assert lst[-1] == ("X", "y")
        assert h.to_wsgi_list() is lst

    def test_copy(self) -> None:
        h = sample()
        for c in (h.copy(), copy.copy(h)):
            assert c == h
            assert c.to_wsgi_list() is not h.to_wsgi_list()
            c.add("X", "1")
            assert "X" not in h

    def test_eq(self) -> None:
        h = sample()
        assert h == Headers([("b", "2"), ("A", "1"), ("a", "3")])
        assert h == Headers([("a", "1"), ("B", "2"), ("A", "3")])
        assert h != Headers([("A", "1"), ("b", "2")])
        assert h != Headers([("A", "1"), ("b", "2"), ("a", "4")])
        assert Headers([("a", "1"), ("a", "1")]) != Headers([("a", "1")])
        assert h != [("A", "1"), ("b", "2"), ("a", "3")]
        assert h.__eq__(object()) is NotImplemented

    def test_unhashable(self) -> None:
        with pytest.raises(TypeError):
            hash(Headers())

    def test_repr_and_str(self) -> None:
        h = sample()
        assert repr(h) == "Headers([('A', '1'), ('b', '2'), ('a', '3')])"
        assert str(h) == "A: 1\r\nb: 2\r\na: 3\r\n\r\n"


class TestHeadersWriting:
    def test_add(self) -> None:
        h = sample()
        h.add("X-New", 5)
        h.add_header("X-New", "6")
        assert h.to_wsgi_list()[-2:] == [("X-New", "5"), ("X-New", "6")]

    def test_add_with_options(self) -> None:
        h = Headers()
        h.add("Content-Disposition", "attachment", filename="a b.txt", x=None)
        h.add("Content-Type", "text/plain", charset="utf-8")
        assert h.to_wsgi_list() == [
            ("Content-Disposition", 'attachment; filename="a b.txt"'),
            ("Content-Type", "text/plain; charset=utf-8"),
        ]

    def test_add_with_options_checks_parameter_values(self) -> None:
        with pytest.raises(ValueError, match="contains a CR, LF or NUL"):
            Headers().add("Content-Disposition", "attachment", filename="a\r\nb")
        with pytest.raises(ValueError, match="RFC 8187"):
            Headers().add("Content-Disposition", "attachment", filename="\u20ac.txt")

    def test_add_checks(self) -> None:
        with pytest.raises(ValueError, match="Invalid header name ''"):
            Headers().add("", "v")
        with pytest.raises(ValueError, match="contains a CR, LF or NUL"):
            Headers().add("X", "a\nb")

    @pytest.mark.parametrize("name", ["Cache-Control", "X-Custom"])  # a known name, and not
    def test_setitem_checks_every_value_it_does_not_pass_on_sight(self, name: str) -> None:
        h = Headers()
        for bad in ("a\r\nb", "a\nb", "a\rb", "a\0b"):
            with pytest.raises(ValueError, match=f"Header '{name}' value .* contains a CR, LF"):
                h[name] = bad
        with pytest.raises(ValueError, match="cannot be encoded as latin-1"):
            h[name] = "\u20ac"
        with pytest.raises(TypeError, match="header values must be str, int or bytes"):
            h[name] = 1.5
        with pytest.raises(ValueError, match="Invalid header name 'X Bad'"):
            h["X Bad"] = "ok"
        # Valid, though not printable ASCII: a tab, latin-1 text, an int, bytes.
        for value, stored in (("a\tb", "a\tb"), ("caf\xe9", "caf\xe9"), (7, "7"), (b"v", "v")):
            h[name] = value
            assert h.to_wsgi_list() == [(name, stored)]

    def test_set_replaces_first_in_place_and_removes_rest(self) -> None:
        h = sample()
        h.set("a", "x")
        assert h.to_wsgi_list() == [("a", "x"), ("b", "2")]

    def test_set_appends_when_absent(self) -> None:
        h = sample()
        h.set("C", 3)
        assert h.to_wsgi_list()[-1] == ("C", "3")

    def test_set_with_options(self) -> None:
        h = sample()
        h.set("b", "n", x="y")
        assert h.to_wsgi_list() == [("A", "1"), ("b", "n; x=y"), ("a", "3")]

    def test_setitem(self) -> None:
        h = sample()
        h["B"] = "22"
        assert h.to_wsgi_list() == [("A", "1"), ("B", "22"), ("a", "3")]
        h[0] = ("X", 1)
        assert h.to_wsgi_list() == [("X", "1"), ("B", "22"), ("a", "3")]
        h[1:] = [("Y", "y")]
        assert h.to_wsgi_list() == [("X", "1"), ("Y", "y")]

    def test_setitem_errors(self) -> None:
        h = sample()
        with pytest.raises(TypeError, match=r"Expected a \(name, value\) pair, got 'x'"):
            h[0] = "x"
        with pytest.raises(ValueError, match="contains a CR, LF or NUL"):
            h[0] = ("X", "a\rb")
        with pytest.raises(ValueError, match="Invalid header name 'a b'"):
            h[0:1] = [("a b", "v")]
        with pytest.raises(TypeError, match=r"Header keys must be str .* not None"):
            h[None] = "x"  # type: ignore[index]
        with pytest.raises(ValueError, match="contains a CR, LF or NUL"):
            h["X"] = "a\nb"

    def test_setdefault(self) -> None:
        h = sample()
        assert h.setdefault("a", "n") == "1"
        assert h.setdefault("z", 5) == "5"
        assert h.to_wsgi_list() == [("A", "1"), ("b", "2"), ("a", "3"), ("z", "5")]

    def test_setlist(self) -> None:
        h = sample()
        h.setlist("a", ["p", "q"])
        assert h.to_wsgi_list() == [("a", "p"), ("b", "2"), ("a", "q")]
        h.setlist("a", [])
        assert h.to_wsgi_list() == [("b", "2")]
        h.setlist("new", iter(["1"]))
        assert h.to_wsgi_list() == [("b", "2"), ("new", "1")]

    def test_setlistdefault(self) -> None:
        h = sample()
        assert h.setlistdefault("a", ["x"]) == ["1", "3"]
        assert h.setlistdefault("z", ["x", "y"]) == ["x", "y"]
        assert h.getlist("z") == ["x", "y"]

    def test_extend(self) -> None:
        h = sample()
        h.extend({"a": ["x", "y"]}, b="k")
        assert h.to_wsgi_list() == [
            ("A", "1"),
            ("b", "2"),
            ("a", "3"),
            ("a", "x"),
            ("a", "y"),
            ("b", "k"),
        ]
        h = Headers()
        h.extend([("a", "1")])
        h.extend(Headers([("b", "2")]))
        h.extend()
        h.extend(c=["3", "4"])
        assert h.to_wsgi_list() == [("a", "1"), ("b", "2"), ("c", "3"), ("c", "4")]

    def test_update_mapping(self) -> None:
        h = sample()
        h.update({"a": ["x", "y"], "c": "z"})
        assert h.to_wsgi_list() == [("a", "x"), ("b", "2"), ("a", "y"), ("c", "z")]

    def test_update_pairs_last_wins(self) -> None:
        h = sample()
        h.update([("a", "q"), ("a", "r")])
        assert h.to_wsgi_list() == [("a", "r"), ("b", "2")]

    def test_update_kwargs_and_headers(self) -> None:
        h = sample()
        h.update(b="x", c=["1", "2"])
        assert h.to_wsgi_list() == [("A", "1"), ("b", "x"), ("a", "3"), ("c", "1"), ("c", "2")]
        h.update(Headers([("C", "9"), ("c", "8"), ("A", "0")]))
        assert h.to_wsgi_list() == [("A", "0"), ("b", "x"), ("C", "9"), ("C", "8")]
        h.update(MultiDict([("b", "m1"), ("b", "m2")]))
        assert h.getlist("b") == ["m1", "m2"]
        h.update()
        assert len(h) == 5

    def test_delitem(self) -> None:
        h = sample()
        del h["A"]
        assert h.to_wsgi_list() == [("b", "2")]
        del h["missing"]  # ignored, like Werkzeug
        h = sample()
        del h[0]
        assert h.to_wsgi_list() == [("b", "2"), ("a", "3")]
        del h[0:1]
        assert h.to_wsgi_list() == [("a", "3")]

    def test_delitem_keeps_storage_identity(self) -> None:
        h = sample()
        lst = h.to_wsgi_list()
        h.remove("a")
        assert h.to_wsgi_list() is lst
        assert lst == [("b", "2")]
        h.remove("missing")
        assert lst == [("b", "2")]

    def test_pop(self) -> None:
        h = sample()
        assert h.pop("a") == "1"
        assert h.to_wsgi_list() == [("b", "2")]
        assert h.pop("zz", "d") == "d"
        assert h.pop("zz", None) is None
        with pytest.raises(BadRequestKeyError):
            h.pop("zz")
        h = sample()
        assert h.pop() == ("a", "3")
        assert h.pop(0) == ("A", "1")
        assert h.to_wsgi_list() == [("b", "2")]
        with pytest.raises(IndexError):
            Headers().pop()

    def test_popitem(self) -> None:
        h = sample()
        assert h.popitem() == ("a", "3")
        assert h.to_wsgi_list() == [("A", "1"), ("b", "2")]
        with pytest.raises(IndexError):
            Headers().popitem()

    def test_clear(self) -> None:
        h = sample()
        lst = h.to_wsgi_list()
        h.clear()
        assert lst == []
        assert not h


# =============================================================================================
# EnvironHeaders
# =============================================================================================

ENVIRON = {
    "HTTP_X_FOO": "1",
    "HTTP_ACCEPT_ENCODING": "gzip",
    "HTTP_X_EMPTY": "",
    "CONTENT_TYPE": "",
    "CONTENT_LENGTH": "5",
    "HTTP_CONTENT_TYPE": "ignored",
    "HTTP_CONTENT_LENGTH": "ignored",
    "wsgi.input": object(),
    "REQUEST_METHOD": "GET",
}


class TestEnvironHeaders:
    def test_lookup(self) -> None:
        e = EnvironHeaders(ENVIRON)
        assert e["X-Foo"] == "1"
        assert e["x-foo"] == "1"
        assert e["X_FOO"] == "1"
        assert e["Accept-Encoding"] == "gzip"
        assert e["Content-Length"] == "5"
        assert e["X-Empty"] == ""
        assert e.environ is ENVIRON

    def test_missing(self) -> None:
        e = EnvironHeaders(ENVIRON)
        for key in ("Content-Type", "X-Missing", "Request-Method"):
            with pytest.raises(BadRequestKeyError) as info:
                e[key]
            assert info.value.args == (key,)
        with pytest.raises(BadRequestKeyError) as info:
            e[1]  # type: ignore[index]
        assert info.value.args == ("1",)

    def test_get(self) -> None:
        e = EnvironHeaders(ENVIRON)
        assert e.get("x-foo") == "1"
        assert e.get("content-type") is None
        assert e.get("content-type", "d") == "d"
        assert e.get("content-length", type=int) == 5
        assert e.get("x-foo", type=lambda v: int("x" + v)) is None
        assert e.get("x-foo", 4, type=lambda v: int("x" + v)) == 4

    def test_getlist(self) -> None:
        e = EnvironHeaders(ENVIRON)
        assert e.getlist("X-Foo") == ["1"]
        assert e.getlist("X-Foo", type=int) == [1]
        assert e.getlist("X-Foo", type=lambda v: int("x")) == []
        assert e.getlist("Nope") == []

    def test_contains(self) -> None:
        e = EnvironHeaders(ENVIRON)
        assert "X-Foo" in e
        assert "content-length" in e
        assert "Content-Type" not in e
        assert "X-Missing" not in e
        assert 1 not in e

    def test_iteration(self) -> None:
        e = EnvironHeaders(ENVIRON)
        expected = [
            ("X-Foo", "1"),
            ("Accept-Encoding", "gzip"),
            ("X-Empty", ""),
            ("Content-Length", "5"),
        ]
        assert list(e) == expected
        assert list(e.items()) == expected
        assert list(e.items(lower=True)) == [(k.lower(), v) for k, v in expected]
        assert list(e.keys()) == [k for k, _ in expected]
        assert list(e.keys(lower=True)) == [k.lower() for k, _ in expected]
        assert list(e.values()) == ["1", "gzip", "", "5"]
        assert e.to_wsgi_list() == expected
        assert len(e) == 4
        assert e
        assert not EnvironHeaders({"CONTENT_TYPE": ""})
        assert list(EnvironHeaders({"CONTENT_TYPE": "text/plain"})) == [
            ("Content-Type", "text/plain")
        ]

    def test_repr_str_eq(self) -> None:
        e = EnvironHeaders({"HTTP_HOST": "x", "CONTENT_LENGTH": "0"})
        assert repr(e) == "EnvironHeaders([('Host', 'x'), ('Content-Length', '0')])"
        assert str(e) == "Host: x\r\nContent-Length: 0\r\n\r\n"
        assert e == Headers([("host", "x"), ("Content-Length", "0")])
        assert e == EnvironHeaders({"CONTENT_LENGTH": "0", "HTTP_HOST": "x"})
        assert e != EnvironHeaders({})
        assert e.__eq__({}) is NotImplemented
        with pytest.raises(TypeError):
            hash(e)

    def test_headers_from_environ_headers(self) -> None:
        h = Headers(EnvironHeaders({"HTTP_X_A": "1", "CONTENT_TYPE": "text/plain"}))
        assert h.to_wsgi_list() == [("X-A", "1"), ("Content-Type", "text/plain")]

    @pytest.mark.parametrize(
        "mutate",
        [
            lambda e: e.__setitem__("X", "1"),
            lambda e: e.__delitem__("X"),
            lambda e: e.add("X", "1"),
            lambda e: e.add_header("X", "1"),
            lambda e: e.set("X", "1"),
            lambda e: e.setlist("X", ["1"]),
            lambda e: e.setdefault("X", "1"),
            lambda e: e.setlistdefault("X", ["1"]),
            lambda e: e.extend({"X": "1"}),
            lambda e: e.update({"X": "1"}),
            lambda e: e.remove("X"),
            lambda e: e.pop("X"),
            lambda e: e.popitem(),
            lambda e: e.clear(),
        ],
    )
    def test_immutable(self, mutate: Any) -> None:
        with pytest.raises(
            TypeError,
            match=r"'EnvironHeaders' objects are immutable: request headers .* Headers\(request",
        ):
            mutate(EnvironHeaders({"HTTP_X": "1"}))

    def test_copy_refused(self) -> None:
        with pytest.raises(TypeError, match=r"cannot be copied; .*Headers\(request.headers\)"):
            EnvironHeaders({}).copy()


# =============================================================================================
# MultiDict
# =============================================================================================


def md() -> MultiDict[str, str]:
    return MultiDict([("a", "1"), ("b", "2"), ("a", "3")])


class TestMultiDict:
    def test_construction(self) -> None:
        assert repr(MultiDict()) == "MultiDict([])"
        assert repr(md()) == "MultiDict([('a', '1'), ('a', '3'), ('b', '2')])"
        assert repr(MultiDict({"a": ["1", "2"], "b": "3", "c": (), "d": ("4",)})) == (
            "MultiDict([('a', '1'), ('a', '2'), ('b', '3'), ('d', '4')])"
        )
        original = md()
        copied = MultiDict(original)
        assert copied == original
        copied.add("a", "x")
        assert original.getlist("a") == ["1", "3"]
        assert isinstance(original, Mapping)

    @pytest.mark.parametrize("bad", [["ab"], [("a", "b", "c")], [None]])
    def test_bad_pairs(self, bad: list[Any]) -> None:
        with pytest.raises(TypeError, match=r"Expected a \(key, value\) pair, got .*2-tuples"):
            MultiDict(bad)

    def test_getitem(self) -> None:
        m = md()
        assert m["a"] == "1"
        assert m["b"] == "2"
        with pytest.raises(BadRequestKeyError) as info:
            m["zz"]
        assert isinstance(info.value, KeyError)
        assert info.value.args == ("zz",)
        assert info.value.code == 400
        with pytest.raises(BadRequestKeyError) as info:
            MultiDict([(1, "x")])[2]
        assert info.value.args == ("2",)

    def test_get(self) -> None:
        m = MultiDict([("page", "2"), ("bad", "x")])
        assert m.get("page") == "2"
        assert m.get("zz") is None
        assert m.get("zz", "d") == "d"
        assert m.get("page", type=int) == 2
        assert m.get("bad", 1, type=int) == 1
        assert m.get("bad", type=int) is None
        assert m.get("zz", 5, type=int) == 5

        def boom(v: str) -> int:
            raise TypeError(v)

        assert m.get("page", 0, type=boom) == 0

    def test_getlist(self) -> None:
        m = MultiDict([("a", "1"), ("a", "x"), ("a", "3")])
        assert m.getlist("a") == ["1", "x", "3"]
        assert m.getlist("a", type=int) == [1, 3]
        assert m.getlist("zz") == []
        m.getlist("a").append("changed")
        assert m.getlist("a") == ["1", "x", "3"]

    def test_views(self) -> None:
        m = md()
        assert list(m) == ["a", "b"]
        assert list(m.keys()) == ["a", "b"]
        assert list(m.values()) == ["1", "2"]
        assert list(m.items()) == [("a", "1"), ("b", "2")]
        assert list(m.items(multi=True)) == [("a", "1"), ("a", "3"), ("b", "2")]
        assert list(m.lists()) == [("a", ["1", "3"]), ("b", ["2"])]
        assert list(m.listvalues()) == [["1", "3"], ["2"]]
        assert len(m) == 2
        assert "a" in m
        assert "zz" not in m

    def test_to_dict(self) -> None:
        m = md()
        assert m.to_dict() == {"a": "1", "b": "2"}
        assert m.to_dict(flat=False) == {"a": ["1", "3"], "b": ["2"]}

    def test_copies(self) -> None:
        m = MultiDict([("a", ["nested"])])
        shallow = m.copy()
        deep = m.deepcopy()
        assert type(shallow) is MultiDict
        assert shallow == m
        assert deep == m
        assert shallow["a"] is m["a"]
        assert deep["a"] is not m["a"]
        assert copy.copy(m)["a"] is m["a"]
        assert copy.deepcopy(m)["a"] is not m["a"]

    def test_eq(self) -> None:
        assert md() == MultiDict([("b", "2"), ("a", "1"), ("a", "3")])
        assert md() != MultiDict([("a", "3"), ("a", "1"), ("b", "2")])
        assert md() != {"a": "1", "b": "2"}
        assert md().__eq__({}) is NotImplemented
        with pytest.raises(TypeError):
            hash(md())

    def test_pickle(self) -> None:
        m = md()
        assert pickle.loads(pickle.dumps(m)) == m

    def test_setitem_add_setlist(self) -> None:
        m = md()
        m["a"] = "z"
        assert m.getlist("a") == ["z"]
        m.add("a", "y")
        m.add("n", "new")
        assert m.getlist("a") == ["z", "y"]
        m.setlist("b", ["p", "q"])
        assert m.getlist("b") == ["p", "q"]
        m.setlist("b", [])
        assert "b" not in m
        assert list(m) == ["a", "n"]

    def test_delitem(self) -> None:
        m = md()
        del m["a"]
        assert repr(m) == "MultiDict([('b', '2')])"
        with pytest.raises(KeyError):
            del m["a"]

    def test_setdefault(self) -> None:
        m = md()
        assert m.setdefault("a", "x") == "1"
        assert m.setdefault("n", "x") == "x"
        assert m.getlist("n") == ["x"]

    def test_setlistdefault(self) -> None:
        m = md()
        assert m.setlistdefault("a") == ["1", "3"]
        live = m.setlistdefault("q", ["1"])
        live.append("2")
        assert m.getlist("q") == ["1", "2"]
        empty = m.setlistdefault("e")
        assert empty == []
        assert "e" not in m  # no values yet
        assert m.get("e") is None
        assert list(m) == ["a", "b", "q"]
        empty.append("v")
        assert m["e"] == "v"

    def test_empty_value_lists_are_invisible(self) -> None:
        m: MultiDict[str, str] = MultiDict()
        m.setlistdefault("e")
        with pytest.raises(BadRequestKeyError):
            m["e"]
        assert m.getlist("e") == []
        assert m.setdefault("e", "x") == "x"
        m.setlistdefault("f")
        assert m.pop("f", "d") == "d"
        m.setlistdefault("g")
        with pytest.raises(BadRequestKeyError):
            m.pop("g")
        m.setlistdefault("h")
        assert m.popitem() == ("e", "x")
        m.setlistdefault("h")
        with pytest.raises(BadRequestKeyError):
            m.popitemlist()
        assert repr(m) == "MultiDict([])"

    def test_pop(self) -> None:
        m = md()
        assert m.pop("a") == "1"
        assert repr(m) == "MultiDict([('b', '2')])"
        assert m.pop("zz", "d") == "d"
        with pytest.raises(BadRequestKeyError) as info:
            m.pop("zz")
        assert info.value.args == ("zz",)

    def test_popitem(self) -> None:
        m = md()
        assert m.popitem() == ("b", "2")
        assert m.popitem() == ("a", "1")
        with pytest.raises(BadRequestKeyError, match=r"popitem\(\): the MultiDict is empty"):
            m.popitem()
        with pytest.raises(KeyError):
            MultiDict().popitem()

    def test_poplist_popitemlist(self) -> None:
        m = md()
        assert m.poplist("zz") == []
        assert m.poplist("b") == ["2"]
        assert m.popitemlist() == ("a", ["1", "3"])
        with pytest.raises(BadRequestKeyError):
            m.popitemlist()

    def test_update_adds(self) -> None:
        m = md()
        m.update({"a": "9", "z": ["1", "2"]})
        assert repr(m) == (
            "MultiDict([('a', '1'), ('a', '3'), ('a', '9'), ('b', '2'), ('z', '1'), ('z', '2')])"
        )
        m = md()
        m.update([("a", "9")], b="k")
        m.update(MultiDict([("c", "1")]))
        m.update()
        assert m.to_dict(flat=False) == {"a": ["1", "3", "9"], "b": ["2", "k"], "c": ["1"]}

    def test_clear(self) -> None:
        m = md()
        m.clear()
        assert len(m) == 0


class TestImmutableMultiDict:
    def test_reads(self) -> None:
        i = ImmutableMultiDict(md())
        assert repr(i) == "ImmutableMultiDict([('a', '1'), ('a', '3'), ('b', '2')])"
        assert i["a"] == "1"
        assert i.getlist("a") == ["1", "3"]
        assert i == md()

    def test_copy_is_mutable(self) -> None:
        i = ImmutableMultiDict(md())
        c = i.copy()
        assert type(c) is MultiDict
        c.add("x", "y")
        assert "x" not in i
        assert copy.copy(i) is i
        assert type(copy.deepcopy(i)) is MultiDict

    def test_hash(self) -> None:
        assert hash(ImmutableMultiDict(md())) == hash(ImmutableMultiDict(md()))
        assert {ImmutableMultiDict(md()): 1}[ImmutableMultiDict(md())] == 1

    def test_pickle(self) -> None:
        i = ImmutableMultiDict(md())
        restored = pickle.loads(pickle.dumps(i))
        assert type(restored) is ImmutableMultiDict
        assert restored == i

    @pytest.mark.parametrize(
        "mutate",
        [
            lambda m: m.__setitem__("a", "1"),
            lambda m: m.__delitem__("a"),
            lambda m: m.add("a", "1"),
            lambda m: m.setlist("a", ["1"]),
            lambda m: m.setdefault("a", "1"),
            lambda m: m.setlistdefault("a"),
            lambda m: m.pop("a"),
            lambda m: m.popitem(),
            lambda m: m.poplist("a"),
            lambda m: m.popitemlist(),
            lambda m: m.update({"a": "1"}),
            lambda m: m.clear(),
        ],
    )
    def test_immutable(self, mutate: Any) -> None:
        i = ImmutableMultiDict(md())
        with pytest.raises(TypeError) as info:
            mutate(i)
        assert str(info.value) == (
            "'ImmutableMultiDict' objects are immutable; call .copy() to get a mutable MultiDict."
        )
        assert i == md()


class TestCombinedMultiDict:
    def combined(self) -> CombinedMultiDict[str, str]:
        return CombinedMultiDict(
            [MultiDict([("a", "1"), ("n", "x")]), MultiDict([("a", "2"), ("b", "3")])]
        )

    def test_reads(self) -> None:
        c = self.combined()
        assert c["a"] == "1"
        assert c["b"] == "3"
        with pytest.raises(BadRequestKeyError):
            c["zz"]
        assert c.get("a") == "1"
        assert c.get("b") == "3"
        assert c.get("zz", "d") == "d"
        assert c.get("n", 0, type=int) == 0
        assert c.get("a", type=int) == 1
        assert c.getlist("a") == ["1", "2"]
        assert c.getlist("a", type=int) == [1, 2]
        assert c.getlist("zz") == []
        assert "b" in c
        assert "zz" not in c
        assert list(c) == ["a", "n", "b"]
        assert len(c) == 3
        assert c.to_dict() == {"a": "1", "n": "x", "b": "3"}
        assert c.to_dict(flat=False) == {"a": ["1", "2"], "n": ["x"], "b": ["3"]}
        assert list(c.items(multi=True)) == [("a", "1"), ("a", "2"), ("n", "x"), ("b", "3")]
        assert list(c.values()) == ["1", "x", "3"]

    def test_live_view(self) -> None:
        first: MultiDict[str, str] = MultiDict()
        c = CombinedMultiDict([first])
        first.add("late", "1")
        assert c["late"] == "1"

    def test_copy_eq_hash_repr(self) -> None:
        c = self.combined()
        merged = c.copy()
        assert type(merged) is MultiDict
        assert merged.getlist("a") == ["1", "2"]
        assert c == merged
        assert hash(c) == hash(c)
        assert repr(CombinedMultiDict([MultiDict([("a", "1")])])) == (
            "CombinedMultiDict([MultiDict([('a', '1')])])"
        )
        assert repr(CombinedMultiDict()) == "CombinedMultiDict([])"

    def test_pickle(self) -> None:
        c = self.combined()
        restored = pickle.loads(pickle.dumps(c))
        assert type(restored) is CombinedMultiDict
        assert restored.dicts == c.dicts

    def test_immutable(self) -> None:
        with pytest.raises(TypeError, match=r"^'CombinedMultiDict' objects are immutable; call"):
            self.combined()["a"] = "1"
        with pytest.raises(TypeError, match="'CombinedMultiDict' objects are immutable"):
            self.combined().add("a", "1")


# =============================================================================================
# FileStorage
# =============================================================================================


class TestFileStorage:
    def upload(self) -> FileStorage:
        return FileStorage(
            io.BytesIO(b"hello\nworld"), "a.txt", "file", "text/plain; charset=utf-8", 11
        )

    def test_attributes(self) -> None:
        f = self.upload()
        assert f.filename == "a.txt"
        assert f.name == "file"
        assert f.content_type == "text/plain; charset=utf-8"
        assert f.mimetype == "text/plain"
        assert f.mimetype_params == {"charset": "utf-8"}
        assert f.content_length == 11
        assert f.headers.to_wsgi_list() == [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", "11"),
        ]
        assert bool(f)
        assert repr(f) == "<FileStorage: 'a.txt' ('text/plain; charset=utf-8')>"

    def test_empty(self) -> None:
        f = FileStorage()
        assert f.filename is None
        assert f.content_type is None
        assert f.mimetype == ""
        assert f.mimetype_params == {}
        assert f.content_length == 0
        assert not f
        assert f.read() == b""
        assert repr(f) == "<FileStorage: None (None)>"

    def test_headers_given(self) -> None:
        f = FileStorage(io.BytesIO(), "x", headers=Headers({"Content-Type": "IMAGE/PNG"}))
        assert f.mimetype == "image/png"
        assert FileStorage(headers=Headers({"Content-Length": "nan"})).content_length == 0
        assert FileStorage(headers=Headers({"Content-Length": "-5"})).content_length == 0

    def test_stream_proxy(self) -> None:
        f = self.upload()
        assert f.read(3) == b"hel"
        assert f.tell() == 3
        assert list(f) == [b"lo\n", b"world"]
        f.seek(0)
        assert f.readline() == b"hello\n"
        with pytest.raises(AttributeError):
            f.no_such_attribute  # noqa: B018

    def test_getattr_stream_guard(self) -> None:
        f = FileStorage.__new__(FileStorage)
        with pytest.raises(AttributeError):
            f.read  # noqa: B018

    def test_filename_from_stream(self, tmp_path: Path) -> None:
        path = tmp_path / "up.bin"
        path.write_bytes(b"x")
        with open(path, "rb") as fh:
            assert FileStorage(fh).filename == str(path)

        class Named(io.BytesIO):
            def __init__(self, name: object) -> None:
                super().__init__()
                self.name = name

        assert FileStorage(Named(b"/tmp/b.bin")).filename == "/tmp/b.bin"  # type: ignore[arg-type]
        assert FileStorage(Named("<stdin>")).filename is None
        assert FileStorage(Named(3)).filename is None
        assert FileStorage(Named("")).filename is None

    def test_save_to_path(self, tmp_path: Path) -> None:
        f = self.upload()
        target = tmp_path / "out.txt"
        f.save(target)
        assert target.read_bytes() == b"hello\nworld"
        f.stream.seek(0)
        f.save(str(tmp_path / "out2.txt"), buffer_size=2)
        assert (tmp_path / "out2.txt").read_bytes() == b"hello\nworld"

    def test_save_to_file_object(self) -> None:
        f = self.upload()
        out = io.BytesIO()
        f.save(out)
        assert out.getvalue() == b"hello\nworld"
        assert not out.closed

    def test_close(self) -> None:
        f = self.upload()
        f.close()
        assert f.stream.closed
        f.close()


def test_missing_sentinel_repr() -> None:
    from tray.datastructures import _missing

    assert repr(_missing) == "<missing>"


# -- Authorization ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "kind", "parameters", "token"),
    [
        (
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "basic",
            {"username": "Aladdin", "password": "open sesame"},
            None,
        ),
        (
            "basic dXNlcjpwYTpzcw==",
            "basic",
            {"username": "user", "password": "pa:ss"},
            None,
        ),  # 1st ':'
        ("Basic dXNlcg==", "basic", {"username": "user", "password": ""}, None),
        ("Basic w6k6w6k=", "basic", {"username": "é", "password": "é"}, None),  # UTF-8
        ("Bearer abc.DEF-123_~+/==", "bearer", {}, "abc.DEF-123_~+/=="),  # token68 padding
        (
            'Digest username="Mufasa", realm="a, b", nonce=dcd98b, qop=auth, stale',
            "digest",
            {
                "username": "Mufasa",
                "realm": "a, b",
                "nonce": "dcd98b",
                "qop": "auth",
                "stale": None,
            },
            None,
        ),
    ],
)
def test_authorization_from_header(
    header: str, kind: str, parameters: dict[str, str | None], token: str | None
) -> None:
    auth = Authorization.from_header(header)
    assert auth is not None
    assert (auth.type, auth.parameters, auth.token) == (kind, parameters, token)
    for key, value in parameters.items():
        assert getattr(auth, key) == auth[key] == auth.get(key) == value
    assert auth.get("missing", "x") == "x"
    assert auth.missing is None  # attributes read parameters; absent ones are None
    assert Authorization.from_header(auth.to_header()) == auth  # to_header round-trips


@pytest.mark.parametrize("header", [None, "", "Basic !!!not-base64", "Basic /w==", "Basic"])
def test_unreadable_authorization_is_none(header: str | None) -> None:
    """No header, bad base64, or credentials that are not UTF-8: no credentials (never a 500)."""
    expected = (
        Authorization("basic", {"username": "", "password": ""}) if header == "Basic" else None
    )
    assert Authorization.from_header(header) == expected


def test_authorization_to_header_and_copy() -> None:
    auth = Authorization("basic", {"username": "chef", "password": "s3cret"})
    assert auth.to_header() == "Basic Y2hlZjpzM2NyZXQ="
    assert str(Authorization("bearer", token="t0k")) == "Bearer t0k"
    digest = Authorization("digest", {"username": "a b", "qop": None})
    assert digest.to_header() == 'Digest username="a b", qop'
    assert copy.copy(auth) == auth
    assert pickle.loads(pickle.dumps(auth)) == auth
    assert auth != "Basic Y2hlZjpzM2NyZXQ="


# =============================================================================================
# Header datatypes
# =============================================================================================


def recorder() -> tuple[list[str], Any]:
    """A list of the header values an object wrote back, and the on_update that fills it."""
    seen: list[str] = []
    return seen, lambda obj: seen.append(obj.to_header())


def test_header_set_is_an_ordered_case_insensitive_set() -> None:
    seen, on_update = recorder()
    hs = HeaderSet.from_header('Accept, "x y"', on_update)
    assert list(hs) == ["Accept", "x y"]
    hs.add("accept")  # already there: no write
    hs.add("Cookie")
    assert seen == ['Accept, "x y", Cookie']
    assert "COOKIE" in hs and "cookie" in hs and 1 not in hs and hs.find(1) == -1  # type: ignore[arg-type]
    assert (len(hs), hs[0], hs.find("x Y"), hs.index("cookie"), hs.find("nope")) == (
        3,
        "Accept",
        1,
        2,
        -1,
    )
    assert hs.as_set() == {"accept", "x y", "cookie"}
    assert hs.as_set(preserve_casing=True) == {"Accept", "x y", "Cookie"}
    hs.discard("ACCEPT")
    hs.discard("absent")  # no error, no write
    assert seen[-1] == '"x y", Cookie'
    hs.remove("X Y")
    assert str(hs) == "Cookie" and repr(hs) == "HeaderSet(['Cookie'])"
    with pytest.raises(KeyError, match="absent"):
        hs.remove("absent")
    with pytest.raises(IndexError, match="absent"):
        hs.index("absent")
    hs.update(["Origin", "cookie", "Accept"])
    assert seen[-1] == "Cookie, Origin, Accept"
    hs[0] = "Accept"  # replacing with an item already there drops the later copy
    assert list(hs) == ["Accept", "Origin"] and seen[-1] == "Accept, Origin"
    del hs[1]
    assert seen[-1] == "Accept"
    writes = len(seen)
    hs.update([])
    assert len(seen) == writes  # nothing changed: nothing written
    hs.clear()
    hs.clear()
    assert seen[-1] == "" and len(seen) == writes + 1
    assert not hs


def test_header_set_equality_and_errors() -> None:
    assert HeaderSet(["a", "B"]) == {"A", "b"} == HeaderSet(["b", "a"])
    assert HeaderSet(["a"]) != {"a", "b"}
    assert HeaderSet(["a"]) != ["a"]  # not a set
    with pytest.raises(TypeError, match="unhashable"):
        hash(HeaderSet())
    with pytest.raises(TypeError, match=r"items are header values \(str\), not 5 \(int\)"):
        HeaderSet().add(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"not the str 'Cookie' \(it would add each character\)"):
        HeaderSet().update("Cookie")
    methods = _MethodSet.from_header("get, Post")
    methods.add("put")
    assert list(methods) == ["GET", "POST", "PUT"]


def test_response_cache_control_typed_directives() -> None:
    seen, on_update = recorder()
    cc = ResponseCacheControl.from_header(None, on_update)
    assert (cc.provided, cc.max_age, cc.no_cache, cc.private, cc.public, cc.no_store) == (
        False,
        None,
        None,
        None,
        False,
        False,
    )
    cc.max_age = 60
    cc.public = True
    cc.no_cache = "Set-Cookie"
    cc.private = ["Set-Cookie", "Authorization"]
    cc.s_maxage = timedelta(minutes=5)
    cc.stale_while_revalidate = "30"
    for flag in ("no_store", "no_transform", "must_revalidate", "proxy_revalidate"):
        setattr(cc, flag, True)
    cc.immutable = True
    cc.must_understand = True
    cc.stale_if_error = 0
    assert seen[-1] == (
        'max-age=60, public, no-cache=Set-Cookie, private="Set-Cookie, Authorization", '
        "s-maxage=300, stale-while-revalidate=30, no-store, no-transform, must-revalidate, "
        "proxy-revalidate, immutable, must-understand, stale-if-error=0"
    )
    assert (cc.max_age, cc.no_cache, cc.private, cc.s_maxage, cc.immutable) == (
        60,
        "Set-Cookie",
        "Set-Cookie, Authorization",
        300,
        True,
    )
    assert cc["max-age"] == "60" and dict(cc)["public"] is None
    cc.no_cache = True
    assert cc.no_cache is True and "no-cache," in seen[-1]
    cc.max_age = None
    cc.public = False
    del cc.private
    del cc["no-store"]
    cc["x-custom"] = "a b"
    assert seen[-1] == (
        "no-cache, s-maxage=300, stale-while-revalidate=30, no-transform, must-revalidate, "
        'proxy-revalidate, immutable, must-understand, stale-if-error=0, x-custom="a b"'
    )
    writes = len(seen)
    cc.max_age = None  # already absent: nothing to write
    assert len(seen) == writes
    cc.clear()
    assert seen[-1] == "" and len(cc) == 0
    assert repr(ResponseCacheControl({"max-age": "5"})) == "<ResponseCacheControl 'max-age=5'>"


def test_cache_control_reading_is_lenient() -> None:
    cc = ResponseCacheControl.from_header('Max-Age=abc, No-Cache, private="a, b", foo=bar')
    assert cc.provided is True
    assert (cc.max_age, cc.no_cache, cc.private, cc["foo"]) == (None, True, "a, b", "bar")
    assert str(cc) == 'max-age=abc, no-cache, private="a, b", foo=bar'


@pytest.mark.parametrize(
    ("attr", "value", "error", "message"),
    [
        (
            "max_age",
            "soon",
            TypeError,
            "ResponseCacheControl.max_age is a number of seconds: "
            "set an int \\(or a timedelta\\), or None to remove it, not 'soon' \\(str\\).",
        ),
        ("max_age", 1.5, TypeError, "not 1.5 \\(float\\)"),
        ("max_age", True, TypeError, "not True \\(bool\\)"),
        ("s_maxage", -1, ValueError, "s_maxage is a number of seconds and cannot be negative"),
        (
            "public",
            "yes",
            TypeError,
            "ResponseCacheControl.public is a flag: set it to True or "
            "False \\(None removes it too\\), not 'yes' \\(str\\).",
        ),
        ("no_cache", 5, TypeError, "no_cache is True \\(the bare directive\\), a header name"),
        ("private", [1], TypeError, "not \\[1\\] \\(list\\)"),
    ],
)
def test_cache_control_bad_values_name_the_attribute(
    attr: str, value: object, error: type[Exception], message: str
) -> None:
    seen, on_update = recorder()
    cc = ResponseCacheControl.from_header("no-store", on_update)
    with pytest.raises(error, match=message):
        setattr(cc, attr, value)
    assert seen == [] and str(cc) == "no-store"
    with pytest.raises(TypeError, match="values are str or None"):
        cc["max-age"] = 5  # type: ignore[assignment]


def test_request_cache_control_is_read_only() -> None:
    cc = RequestCacheControl.from_header(
        'no-cache="x", no-store, max-age=5, max-stale, min-fresh=3, only-if-cached, '
        "stale-if-error=4, no-transform"
    )
    assert (cc.no_cache, cc.no_store, cc.max_age, cc.max_stale, cc.min_fresh) == (
        True,
        True,
        5,
        True,
        3,
    )
    assert (cc.only_if_cached, cc.stale_if_error, cc.no_transform) == (True, 4, True)
    assert RequestCacheControl.from_header("max-stale=7").max_stale == 7
    assert RequestCacheControl.from_header("max-stale=x").max_stale is None
    empty = RequestCacheControl.from_header(None)
    assert (empty.no_cache, empty.max_stale, empty.max_age, empty.provided) == (
        False,
        None,
        None,
        False,
    )
    message = "'RequestCacheControl' objects are immutable: they are what the client sent"
    with pytest.raises(TypeError, match=message):
        cc.max_age = 10
    with pytest.raises(TypeError, match=message):
        cc["x"] = None
    with pytest.raises(TypeError, match=message):
        del cc["no-store"]
    with pytest.raises(KeyError):
        del cc["absent"]
    assert str(cc).startswith("no-cache=x, no-store, max-age=5")


def test_content_security_policy() -> None:
    seen, on_update = recorder()
    csp = ContentSecurityPolicy.from_header(None, on_update)
    csp.default_src = "'self'"
    csp.img_src = "* data:"
    csp["upgrade-insecure-requests"] = ""
    assert seen[-1] == "default-src 'self'; img-src * data:; upgrade-insecure-requests"
    csp.img_src = None
    del csp.default_src
    assert seen[-1] == "upgrade-insecure-requests"
    parsed = ContentSecurityPolicy.from_header(
        "default-src 'self'; Script-Src 'none' https:;; report-uri /r; sandbox"
    )
    assert dict(parsed) == {
        "default-src": "'self'",
        "script-src": "'none' https:",
        "report-uri": "/r",
        "sandbox": "",
    }
    assert (parsed.script_src, parsed.style_src) == ("'none' https:", None)
    with pytest.raises(TypeError, match=r"ContentSecurityPolicy\.script_src is a source list"):
        parsed.script_src = ["'self'"]  # type: ignore[assignment]


def test_content_range() -> None:
    seen, on_update = recorder()
    cr = ContentRange.from_header(None, on_update)
    assert not cr and cr.to_header() == "" and repr(cr) == "<ContentRange ''>"
    cr.set(0, 5, 10)
    assert (
        seen[-1] == "bytes 0-4/10"
        and cr
        and (cr.units, cr.start, cr.stop, cr.length)
        == (
            "bytes",
            0,
            5,
            10,
        )
    )
    cr.stop = 10
    cr.length = None
    assert seen[-1] == "bytes 0-9/*"
    cr.units = "items"
    cr.start = 3
    assert str(cr) == "items 3-9/*"
    cr.set(None, None, 10)
    assert seen[-1] == "bytes */10"
    cr.unset()
    assert seen[-1] == "" and not cr
    assert ContentRange.from_header("bytes 1-2/3") == ContentRange("bytes", 1, 3, 3)
    assert ContentRange.from_header("garbage") == ContentRange(None, None, None)
    assert ContentRange("bytes", 1, 3) != "bytes 1-2/*"


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ((None, 0, 5, None), "it has no units"),
        (("by tes", 0, 5, 10), "its units must be a token such as 'bytes'"),
        (("bytes", 0, 5, -1), "its length must be an int >= 0"),
        (("bytes", None, None, None), "an unsatisfied range \\('bytes \\*/N'\\) needs the length"),
        (("bytes", 0, None, 10), "start and stop must both be ints"),
        (("bytes", True, 5, 10), "start and stop must both be ints"),
        (("bytes", 5, 5, 10), "it needs 0 <= start < stop \\(stop is exclusive\\)"),
        (("bytes", 0, 11, 10), "stop cannot be past the length"),
    ],
)
def test_content_range_refuses_what_would_be_malformed(args: tuple[Any, ...], problem: str) -> None:
    with pytest.raises(ValueError, match=f"Invalid Content-Range \\(units=.*\\): {problem}"):
        ContentRange(*args)
    cr = ContentRange("bytes", 0, 5, 10)
    with pytest.raises(ValueError, match="stop cannot be past the length"):
        cr.stop = 11
    assert cr.to_header() == "bytes 0-4/10"  # unchanged


@pytest.mark.parametrize(
    ("header", "length", "span"),
    [
        ("bytes=0-4", 10, (0, 5)),
        ("bytes=5-100", 10, (5, 10)),
        ("bytes=9-", 10, (9, 10)),
        ("bytes=-3", 10, (7, 10)),
        ("bytes=-20", 10, (0, 10)),  # a suffix longer than the body is the whole body
        ("bytes=10-", 10, None),
        ("bytes=20-30", 10, None),
        ("bytes=0-1,3-4", 10, None),
        ("items=0-4", 10, None),
        ("bytes=0-4", None, None),
        ("bytes=-3", 0, None),
    ],
)
def test_range_for_length(header: str, length: int | None, span: tuple[int, int] | None) -> None:
    rng = Range.from_header(header)
    assert rng is not None
    assert rng.range_for_length(length) == span
    content_range = rng.make_content_range(length)
    if span is None:
        assert content_range is None and rng.to_content_range_header(length) is None
    else:
        assert content_range == ContentRange("bytes", span[0], span[1], length)
        assert rng.to_content_range_header(length) == f"bytes {span[0]}-{span[1] - 1}/{length}"


def test_range_to_header() -> None:
    rng = Range.from_header("bytes=0-4, 6-, -3")
    assert rng is None  # a suffix after an open range is malformed
    rng = Range("bytes", [(0, 5), (6, None)])
    assert (rng.to_header(), str(rng), repr(rng)) == (
        "bytes=0-4,6-",
        "bytes=0-4,6-",
        "<Range 'bytes=0-4,6-'>",
    )
    assert Range("bytes", [(-3, None)]).to_header() == "bytes=-3"
    assert Range.from_header("garbage") is None


def test_if_range() -> None:
    by_tag = IfRange.from_header('"v1"')
    assert (by_tag.etag, by_tag.date, by_tag.to_header(), bool(by_tag)) == (
        "v1",
        None,
        '"v1"',
        True,
    )
    by_date = IfRange.from_header("Wed, 01 Jan 2020 00:00:00 GMT")
    assert (by_date.etag, by_date.date) == (None, datetime(2020, 1, 1, tzinfo=UTC))
    assert str(by_date) == "Wed, 01 Jan 2020 00:00:00 GMT"
    assert IfRange.from_header("garbage").etag == "garbage"
    empty = IfRange.from_header(None)
    assert (bool(empty), empty.to_header(), repr(empty)) == (False, "", "<IfRange ''>")


def test_www_authenticate() -> None:
    seen, on_update = recorder()
    challenge = WWWAuthenticate("Basic", on_update=on_update)
    assert (challenge.type, challenge.parameters, challenge.token) == ("basic", {}, None)
    assert challenge.to_header() == "Basic"
    challenge.realm = "my app"
    assert seen[-1] == 'Basic realm="my app"'
    assert challenge.realm == challenge["realm"] == challenge.get("realm") == "my app"
    assert challenge.nonce is None and challenge["nonce"] is None
    challenge["charset"] = "UTF-8"
    challenge.parameters["stale"] = None
    assert seen[-1] == 'Basic realm="my app", charset=UTF-8, stale'
    del challenge.stale
    del challenge["charset"]
    challenge.parameters.update(a="1")
    challenge.parameters.pop("a")
    challenge.parameters.setdefault("b", "2")
    challenge.parameters.popitem()
    challenge.parameters |= {"c": "3"}
    challenge.parameters.clear()
    assert seen[-1] == "Basic"
    challenge.type = "Bearer"
    challenge.token = "t0k"
    assert seen[-1] == "Bearer t0k"
    challenge.parameters = {"error": "invalid_token"}
    challenge.token = None
    assert seen[-1] == "Bearer error=invalid_token"
    with pytest.raises(ValueError, match="Invalid authentication scheme 'a b'"):
        challenge.type = "a b"
    with pytest.raises(ValueError, match="Invalid authentication scheme ''"):
        WWWAuthenticate("")
    with pytest.raises(AttributeError):
        del challenge.absent
    assert repr(challenge) == "<WWWAuthenticate 'Bearer error=invalid_token'>"
    assert str(challenge) == "Bearer error=invalid_token"
    with pytest.raises(AttributeError):
        challenge._private  # noqa: B018 - private names are never parameters


@pytest.mark.parametrize(
    ("header", "kind", "parameters", "token"),
    [
        (
            'Digest realm="a", nonce="n", qop="auth,auth-int"',
            "digest",
            {"realm": "a", "nonce": "n", "qop": "auth,auth-int"},
            None,
        ),
        ("Negotiate abc==", "negotiate", {}, "abc=="),
        ("Basic", "basic", {}, None),
    ],
)
def test_www_authenticate_from_header(
    header: str, kind: str, parameters: dict[str, str], token: str | None
) -> None:
    challenge = WWWAuthenticate.from_header(header)
    assert challenge is not None
    assert (challenge.type, challenge.parameters, challenge.token) == (kind, parameters, token)
    assert WWWAuthenticate.from_header(challenge.to_header()) == challenge
    assert challenge != header


def test_www_authenticate_digest_quotes_what_rfc_7616_requires() -> None:
    params = {"realm": "a", "nonce": "n", "stale": "true", "algorithm": "MD5", "opaque": "o"}
    params |= {"qop": "auth", "domain": "/x", "q": 'a"b'}
    assert WWWAuthenticate("digest", params).to_header() == (
        'Digest realm="a", nonce="n", stale=true, algorithm=MD5, opaque="o", qop="auth", '
        'domain="/x", q="a\\"b"'
    )
    assert WWWAuthenticate("basic", {"realm": "a"}).to_header() == "Basic realm=a"


@pytest.mark.parametrize("header", [None, "", "b@d realm=x"])
def test_www_authenticate_unreadable_is_none(header: str | None) -> None:
    assert WWWAuthenticate.from_header(header) is None
