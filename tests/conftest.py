"""Test configuration: Qt runs offscreen (no display needed), fresh registries per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
