"""Content negotiation (``Accept*``) and the conditional-request ``ETags``."""

from __future__ import annotations

import pytest

from tray.accept import (
    Accept,
    CharsetAccept,
    LanguageAccept,
    MIMEAccept,
    parse_accept_header,
)
from tray.datastructures import ETags

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def mime(value: str | None) -> MIMEAccept:
    return parse_accept_header(value, MIMEAccept)


def test_a_browser_accept_header() -> None:
    accept = mime(BROWSER)
    assert accept.provided
    assert accept.best == "text/html"
    assert accept.best_match(["application/json", "text/html"]) == "text/html"
    assert accept.best_match(["application/json"]) == "application/json"  # via */*;q=0.8
    assert accept["application/xml"] == 0.9
    assert accept["application/json"] == 0.8
    assert accept.accept_html and accept.accept_xhtml and accept.accept_json
    assert "image/png" in accept
    assert list(accept.values())[:2] == ["text/html", "application/xhtml+xml"]
    assert accept.find("image/avif") == 2
    assert accept.index("application/json") == len(accept) - 1  # only */* covers it


def test_the_most_specific_range_decides_the_quality() -> None:
    """RFC 9110 12.5.1: text/html gets 0.1 here, not text/*'s 0.5; image/png is refused."""
    accept = mime("text/*;q=0.5, text/html;q=0.1, */*;q=0")
    assert (accept["text/html"], accept["text/plain"], accept["image/png"]) == (0.1, 0.5, 0)
    assert "image/png" not in accept
    assert accept.best_match(["image/png", "text/html", "text/plain"]) == "text/plain"
    assert accept.best_match(["image/png"], default="none") == "none"


def test_ties_go_to_the_more_specific_entry_then_the_earlier_offer() -> None:
    accept = mime("application/*, application/json")
    assert accept.best_match(["application/xml", "application/json"]) == "application/json"
    assert mime("*/*").best_match(["text/plain", "text/html"]) == "text/plain"


def test_media_range_parameters_and_odd_items() -> None:
    accept = mime("text/html;level=1, text/html;q=0.7, *;q=0.3, bogus;q=x, a/b;q=7, , TEXT/CSV")
    assert accept["text/html;level=1"] == 1
    assert accept["text/html"] == 0.7  # the level=1 range does not cover plain text/html
    assert accept["image/png"] == 0.3  # a bare * is */*
    assert accept["text/csv"] == 1  # case-insensitive
    assert "a/b" not in accept.values() and "bogus" not in accept.values()  # bad q dropped
    assert accept.quality("no-slash") == 0  # the server must name a full media type


def test_no_header_matches_nothing() -> None:
    accept = mime(None)
    assert not accept.provided and accept.best is None
    assert accept.best_match(["text/html"]) is None
    assert accept.best_match(["text/html"], default="text/html") == "text/html"
    assert "text/html" not in accept and not accept.accept_json


def test_languages_fall_back_to_the_primary_tag() -> None:
    accept = parse_accept_header("en-US,en;q=0.9,fr;q=0.5", LanguageAccept)
    assert accept.best == "en-US"
    assert accept["en_us"] == 1  # "_" reads as "-", case-insensitive
    assert accept.best_match(["fr", "en"]) == "en"
    assert accept.best_match(["de", "en-GB"]) == "en-GB"  # the client's "en" covers it
    assert parse_accept_header("en-US", LanguageAccept).best_match(["fr", "en"]) == "en"
    assert accept.best_match(["de"], default="fr") == "fr"


def test_charsets_compare_as_codecs_and_encodings_as_tokens() -> None:
    charsets = parse_accept_header("utf8, latin1;q=0.5", CharsetAccept)
    assert charsets["UTF-8"] == 1 and charsets["ISO-8859-1"] == 0.5
    assert charsets["no-such-codec"] == 0
    encodings = parse_accept_header("gzip, br;q=0.9, *;q=0.1", Accept)
    assert encodings.best_match(["zstd", "br"]) == "br"
    assert encodings["zstd"] == 0.1
    assert encodings.to_header() == "gzip,br;q=0.9,*;q=0.1"


@pytest.mark.parametrize(
    ("header", "strong", "weak", "star"),
    [
        (None, set(), set(), False),
        ('"a", W/"b", "c"', {"a", "c"}, {"b"}, False),
        ("*", set(), set(), True),
        ('bare, "q"', {"bare", "q"}, set(), False),  # unquoted tags, leniently
    ],
)
def test_etags(header: str | None, strong: set[str], weak: set[str], star: bool) -> None:
    etags = ETags.from_header(header)
    assert etags.as_set() == strong
    assert etags.as_set(include_weak=True) == strong | weak
    assert etags.star_tag is star
    assert bool(etags) == bool(strong or weak or star)
    for tag in strong:
        assert tag in etags and etags.is_strong(tag) and etags.contains_weak(tag)
    for tag in weak:
        assert tag not in etags and etags.is_weak(tag) and etags.contains_weak(tag)
        assert etags.contains_raw(f'W/"{tag}"') and not etags.contains_raw(f'"{tag}"')
    assert ("anything" in etags) is star
    assert ETags.from_header(etags.to_header()).as_set(include_weak=True) == strong | weak


def test_accept_is_still_a_list() -> None:
    accept = parse_accept_header("gzip, br;q=0.5", Accept)
    assert accept[0] == ("gzip", 1) and accept[1:] == [("br", 0.5)]
    assert accept.index(("br", 0.5)) == 1
    with pytest.raises(ValueError, match="'zstd' is not covered"):
        accept.index("zstd")
    assert accept.find("zstd") == -1
    assert str(accept) == "gzip,br;q=0.5"
    assert repr(accept) == "Accept([('gzip', 1), ('br', 0.5)])"
    assert 1 not in accept  # only str values are looked up
