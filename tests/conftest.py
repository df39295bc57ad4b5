from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from tray import Tray
from tray.globals import _cv_ctx
from tray.testing import TrayClient

SEED_DIR = Path(__file__).parent / "seed"
_counter = itertools.count()


def load_module(path: Path) -> ModuleType:
    """Import a file as a fresh module (its app is new every time)."""
    name = f"_tray_test_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def seed() -> object:
    def load(stem: str) -> ModuleType:
        return load_module(SEED_DIR / f"{stem}.py")

    return load


def _garbage_after(requests: int, call: Callable[[], object]) -> int:
    """Objects the cycle collector had to free after ``requests`` calls (0: none were left)."""
    import gc

    call()  # warm-up: first-use caches are not garbage
    gc.collect()
    gc.disable()
    try:
        for _ in range(requests):
            call()
        return gc.collect()
    finally:
        gc.enable()


@pytest.fixture
def garbage_after() -> Callable[[int, Callable[[], object]], int]:
    """``garbage_after(n, call)``: what ``n`` calls left for the cycle collector (0: nothing)."""
    return _garbage_after


@pytest.fixture
def app() -> Tray:
    app = Tray("test_app")
    app.testing = True
    return app


@pytest.fixture
def client(app: Tray):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(autouse=True)
def _no_leaked_context():  # type: ignore[no-untyped-def]
    """Every test must leave no app or request context pushed."""
    assert _cv_ctx.get(None) is None, "a context was already pushed before the test"
    yield
    leaked = _cv_ctx.get(None)
    assert leaked is None, f"test left {leaked!r} pushed"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test of a ``both_protocols`` module through WSGI and through ASGI."""
    if "protocol" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_protocols") is None:
        return
    wsgi_only = metafunc.definition.get_closest_marker("wsgi_only") is not None
    metafunc.parametrize("protocol", ["wsgi"] if wsgi_only else ["wsgi", "asgi"], indirect=True)


@pytest.fixture(autouse=True)
def protocol(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The interface every test client of this test talks to the app through."""
    name: str = getattr(request, "param", "wsgi")
    monkeypatch.setattr(TrayClient, "default_protocol", name)
    return name
