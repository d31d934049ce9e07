from __future__ import annotations

from pathlib import Path

import pytest

from infra.application import BanliApplication
from tests.support import sqlite_app


@pytest.fixture
def app(tmp_path: Path) -> BanliApplication:
    return sqlite_app(tmp_path)
