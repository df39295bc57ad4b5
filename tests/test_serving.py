"""``tray.serving.run_app`` and ``Tray.run``: the granian server they configure, with granian's
``Server`` replaced by a recorder (no socket is opened)."""

from __future__ import annotations

import os
import sys
from typing import Any, ClassVar

import granian.server
import pytest
from granian.constants import Interfaces

from tray import Tray
from tray.serving import find_app, run_app


class FakeServer:
    """Records what granian's ``Server`` was built with and how ``serve()`` was called."""

    instances: ClassVar[list[FakeServer]] = []

    def __init__(self, target: str, **options: Any) -> None:
        self.target = target
        self.options = options
        self.serve_calls: list[dict[str, Any]] = []
        FakeServer.instances.append(self)

    def serve(self, **kwargs: Any) -> None:
        self.serve_calls.append(kwargs)


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    FakeServer.instances = []
    monkeypatch.setattr(granian.server, "Server", FakeServer)
    return FakeServer


def only_server(fake: type[FakeServer]) -> FakeServer:
    assert len(fake.instances) == 1
    server = fake.instances[0]
    assert len(server.serve_calls) == 1
    return server


def loaded(server: FakeServer) -> Any:
    """The callable granian's workers would serve (what the target loader returns)."""
    [call] = server.serve_calls
    assert list(call) == ["target_loader"]
    return call["target_loader"](server.target)


# -- run_app ----------------------------------------------------------------------------------


def test_run_app_wsgi_defaults(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("kitchen")
    run_app(app)
    server = only_server(fake_server)
    assert server.target == "kitchen:app"
    assert server.options == {
        "address": "127.0.0.1",
        "port": 5000,
        "interface": Interfaces.WSGI,
        "workers": 1,
        "reload": False,
        "websockets": False,
    }
    assert loaded(server) is app


def test_run_app_asgi_serves_the_asgi_adapter(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("kitchen")
    run_app(app, "0.0.0.0", 8080, interface="asgi", workers=3, reload=True)
    server = only_server(fake_server)
    assert server.target == "kitchen:app"
    assert server.options == {
        "address": "0.0.0.0",
        "port": 8080,
        "interface": Interfaces.ASGI,
        "workers": 3,
        "reload": True,
    }
    assert "websockets" not in server.options
    assert loaded(server) is app.asgi


def test_run_app_port_is_made_an_int(fake_server) -> None:  # type: ignore[no-untyped-def]
    run_app(Tray("kitchen"), port="8001")  # type: ignore[arg-type]
    assert only_server(fake_server).options["port"] == 8001


def test_run_app_passes_other_server_options_through(fake_server) -> None:  # type: ignore[no-untyped-def]
    run_app(Tray("kitchen"), blocking_threads=4, log_access=True, websockets=True)
    options = only_server(fake_server).options
    assert options["blocking_threads"] == 4
    assert options["log_access"] is True
    assert options["websockets"] is True  # an explicit option wins


def test_run_app_with_a_target_lets_granian_import_it(fake_server) -> None:  # type: ignore[no-untyped-def]
    run_app(Tray("kitchen"), target="examples.kitchen:app", workers=2)
    server = only_server(fake_server)
    assert server.target == "examples.kitchen:app"
    assert server.options["workers"] == 2
    assert server.serve_calls == [{}]


def test_run_app_from_main_serves_the_app_in_hand_even_with_a_target(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("__main__")
    run_app(app, target="script:app", interface="asgi")
    server = only_server(fake_server)
    assert server.target == "script:app"
    assert loaded(server) is app.asgi


def test_run_app_from_main_without_a_target(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("__main__")
    run_app(app)
    server = only_server(fake_server)
    assert server.target == "__main__:app"
    assert loaded(server) is app


@pytest.mark.parametrize("interface", ["rsgi", "WSGI", "", "asgi3"])
def test_run_app_unknown_interface(fake_server, interface) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as info:
        run_app(Tray("kitchen"), interface=interface)
    assert str(info.value) == f"interface must be one of ('wsgi', 'asgi'), not {interface!r}"
    assert fake_server.instances == []


# -- Tray.run ---------------------------------------------------------------------------------


def test_app_run_defaults(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("kitchen")
    app.run()
    server = only_server(fake_server)
    assert server.options["address"] == "127.0.0.1"
    assert server.options["port"] == 5000
    assert server.options["interface"] == Interfaces.WSGI
    assert app.debug is False
    assert loaded(server) is app


def test_app_run_host_port_and_asgi(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("kitchen")
    app.run("0.0.0.0", 9000, interface="asgi", workers=4)
    server = only_server(fake_server)
    assert server.target == "kitchen:app"
    assert server.options == {
        "address": "0.0.0.0",
        "port": 9000,
        "interface": Interfaces.ASGI,
        "workers": 4,
        "reload": False,
    }
    assert loaded(server) is app.asgi


@pytest.mark.parametrize("debug", [True, False])
def test_app_run_debug_sets_app_debug(fake_server, debug) -> None:  # type: ignore[no-untyped-def]
    app = Tray("kitchen")
    app.debug = not debug
    app.run(debug=debug)
    assert app.debug is debug
    assert app.config["DEBUG"] is debug
    assert len(fake_server.instances) == 1


def test_app_run_without_debug_leaves_it(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("kitchen")
    app.debug = True
    app.run()
    assert app.debug is True


def test_app_run_unknown_interface(fake_server) -> None:  # type: ignore[no-untyped-def]
    app = Tray("kitchen")
    with pytest.raises(ValueError, match=r"^interface must be one of \('wsgi', 'asgi'\), not 'x'$"):
        app.run(interface="x")
    assert fake_server.instances == []


def test_app_run_port_zero_is_kept(fake_server) -> None:  # type: ignore[no-untyped-def]
    Tray("kitchen").run(port=0)
    assert only_server(fake_server).options["port"] == 0


# -- find_app ---------------------------------------------------------------------------------


def test_find_app_puts_the_working_directory_on_sys_path(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    source = "from tray import Tray\n\nkitchen = Tray('menu')\n"
    (tmp_path / "serving_menu_app.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", os.getcwd())])
    monkeypatch.delitem(sys.modules, "serving_menu_app", raising=False)
    try:
        app = find_app("serving_menu_app:kitchen")
    finally:
        sys.modules.pop("serving_menu_app", None)
    assert isinstance(app, Tray)
    assert app.name == "menu"
    assert sys.path[0] == str(tmp_path)
