from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from types import ModuleType

import pytest

from tray import Tray
from tray.globals import _cv_ctx

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
