"""The ``tray`` command: ``tray routes MODULE:APP`` and its errors."""

from __future__ import annotations

import itertools
import sys
import textwrap

import pytest

from tray.cli import main

_names = itertools.count()

APP_SOURCE = """\
from tray import Flask

app = Flask(__name__)
other = Flask("other", static_folder=None)
not_an_app = {"app": "no"}


@app.route("/")
def index():
    return "index"


@app.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id):
    return str(user_id)


@app.delete("/users/<int:user_id>")
def delete_user(user_id):
    return ""


@app.put("/archive")
def archive():
    return ""
"""


@pytest.fixture
def module(tmp_path, monkeypatch):
    """Write ``source`` as a uniquely named module on sys.path; return its name."""
    monkeypatch.syspath_prepend(str(tmp_path))
    written = []

    def write(source: str) -> str:
        name = f"tray_cli_app_{next(_names)}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        written.append(name)
        return name

    yield write
    for name in written:
        sys.modules.pop(name, None)


def test_routes(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", f"{name}:app"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        "Endpoint     Methods    Rule\n"
        "-----------  ---------  -----------------------\n"
        "archive      PUT        /archive\n"
        "delete_user  DELETE     /users/<int:user_id>\n"
        "index        GET        /\n"
        "static       GET        /static/<path:filename>\n"
        "user         GET, POST  /users/<int:user_id>\n"
    )


def test_routes_defaults_to_app_attribute(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", name]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Endpoint     Methods    Rule"
    assert len(out.splitlines()) == 7


def test_routes_sorted_by_rule(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", f"{name}:app", "--sort", "rule"]) == 0
    rules = [line.split()[-1] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rules == [
        "/",
        "/archive",
        "/static/<path:filename>",
        "/users/<int:user_id>",
        "/users/<int:user_id>",
    ]


def test_routes_sorted_by_methods(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", f"{name}:app", "--sort", "methods"]) == 0
    endpoints = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert endpoints == ["delete_user", "static", "index", "user", "archive"]  # stable: rule order


def test_routes_in_match_order_with_the_short_option(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", f"{name}:app", "-s", "match"]) == 0
    endpoints = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert endpoints == ["static", "index", "user", "delete_user", "archive"]  # as registered


def test_routes_refuses_an_unknown_sort(module, capsys):
    name = module(APP_SOURCE)
    with pytest.raises(SystemExit) as exit_info:
        main(["routes", f"{name}:app", "--sort", "size"])
    assert exit_info.value.code == 2
    assert "argument --sort/-s: invalid choice: 'size'" in capsys.readouterr().err


def test_routes_no_routes(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", f"{name}:other"]) == 0
    assert capsys.readouterr() == ("No routes were registered.\n", "")


def test_routes_of_a_class_based_view(module, capsys):
    name = module(
        """
        from tray import Flask
        from tray.views import MethodView

        app = Flask(__name__, static_folder=None)


        class ItemAPI(MethodView):
            def get(self, id):
                return ""

            def patch(self, id):
                return ""


        app.add_url_rule("/items/<id>", view_func=ItemAPI.as_view("item"))
        """
    )
    assert main(["routes", f"{name}:app"]) == 0
    assert capsys.readouterr().out == (
        "Endpoint  Methods     Rule\n"
        "--------  ----------  -----------\n"
        "item      GET, PATCH  /items/<id>\n"
    )


def _one_line_error(capsys) -> str:  # type: ignore[no-untyped-def]
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert err.startswith("Error: ")
    assert "Traceback" not in err
    return err


def test_missing_module(module, capsys):
    assert main(["routes", "tray_cli_no_such_module:app"]) == 2
    err = _one_line_error(capsys)
    assert "'tray_cli_no_such_module'" in err


def test_missing_attribute(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", f"{name}:nope"]) == 2
    err = _one_line_error(capsys)
    assert f"'{name}'" in err
    assert "'nope'" in err


def test_attribute_is_not_an_app(module, capsys):
    name = module(APP_SOURCE)
    assert main(["routes", f"{name}:not_an_app"]) == 2
    err = _one_line_error(capsys)
    assert f"'{name}:not_an_app'" in err
    assert "dict" in err


def test_module_with_no_name(capsys):
    assert main(["routes", ":app"]) == 2
    _one_line_error(capsys)


def test_import_error_inside_the_module_is_not_hidden(module):
    name = module("import tray_cli_missing_dependency\n")
    with pytest.raises(ModuleNotFoundError):
        main(["routes", f"{name}:app"])


def test_no_command_is_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("usage: tray")


DOMAIN_SOURCE = """\
from tray import Flask

app = Flask(__name__, subdomain_matching=True, static_folder=None)
app.config["SERVER_NAME"] = "example.com"
hosts = Flask(__name__, host_matching=True, static_host="cdn.test")


@app.route("/")
def index():
    return ""


@app.route("/api", subdomain="api", methods=["GET", "POST"])
def api():
    return ""


@hosts.route("/", host="a.test")
def a():
    return ""
"""


def test_routes_show_the_subdomain_or_host_column_as_flask(module, capsys):
    name = module(DOMAIN_SOURCE)
    assert main(["routes", f"{name}:app", "--sort", "domain"]) == 0
    assert capsys.readouterr().out == (
        "Endpoint  Methods    Subdomain  Rule\n"
        "--------  ---------  ---------  ----\n"
        "index     GET                   /\n"
        "api       GET, POST  api        /api\n"
    )
    assert main(["routes", f"{name}:hosts", "--all-methods"]) == 0
    assert capsys.readouterr().out == (
        "Endpoint  Methods             Host      Rule\n"
        "--------  ------------------  --------  -----------------------\n"
        "a         GET, HEAD, OPTIONS  a.test    /\n"
        "static    GET, HEAD, OPTIONS  cdn.test  /static/<path:filename>\n"
    )
