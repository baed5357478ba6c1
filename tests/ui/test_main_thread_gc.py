"""Cyclic garbage is collected on the GUI thread only (a Qt object collected from a worker thread aborts)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QApplication

from desktop.ui import main_thread_gc


class Cycle:
    def __init__(self) -> None:
        self.me = self
        self.collected_on: str | None = None


def test_garbage_made_anywhere_is_collected_on_the_gui_thread(qtbot, qapp):
    collector = main_thread_gc.install(qapp)
    assert main_thread_gc.install(qapp) is collector and not gc.isenabled()
    threads: list[str] = []
    cycle = Cycle()
    weakref.finalize(cycle, lambda: threads.append(threading.current_thread().name))
    alive = weakref.ref(cycle)
    del cycle
    worker = threading.Thread(target=lambda: [object() for _ in range(100_000)], name="worker")  # allocations
    worker.start()
    worker.join()
    assert alive() is not None  # nothing was collected in the worker's allocations
    thresholds = gc.get_threshold()
    gc.set_threshold(1, 1, 1)  # make the next tick collect every generation
    try:
        qtbot.waitUntil(lambda: alive() is None, timeout=3000)
    finally:
        gc.set_threshold(*thresholds)
    assert threads == [threading.main_thread().name] and QApplication.instance() is qapp


class FakeGc:
    """Counts over every threshold; records the generations collected."""

    def __init__(self) -> None:
        self.collected: list[int] = []

    def get_count(self) -> tuple[int, int, int]:
        return (800, 20, 20)

    def get_threshold(self) -> tuple[int, int, int]:
        return (700, 10, 10)

    def collect(self, generation: int) -> None:
        self.collected.append(generation)


def test_a_full_collection_runs_at_most_every_full_interval(qapp, monkeypatch):
    collector = main_thread_gc.install(qapp)
    fake, now = FakeGc(), [1000.0]
    monkeypatch.setattr(main_thread_gc, "gc", fake)
    monkeypatch.setattr(main_thread_gc.time, "monotonic", lambda: now[0])
    collector.last_full = now[0]
    collector.collect()
    assert fake.collected == [0, 1]  # young generations at once; the full one waits
    now[0] += main_thread_gc.FULL_INTERVAL_S
    collector.collect()
    assert fake.collected == [0, 1, 0, 1, 2] and collector.last_full == now[0]


def test_a_registry_wide_evaluation_holds_the_collector_until_it_ends(qapp, registry, monkeypatch):
    from desktop.services import evaluation
    from desktop.ui.session import RegistrySession

    collector = main_thread_gc.install(qapp)
    seen = []
    real = evaluation.evaluate_registry

    def spy(*args, **kwargs):
        seen.append(collector.holds)
        collector.collect()  # a timer tick meanwhile: collects nothing
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluation, "evaluate_registry", spy)
    session = RegistrySession(registry)
    frozen = gc.get_freeze_count()
    session.evaluate_all()  # the UI tests' pool runs it at once
    assert seen == [1] and collector.holds == 0 and session.evaluations
    assert gc.get_freeze_count() > frozen  # its results frozen: young collections do not walk them again
    session.close()
    assert collector.holds == 0


def test_closing_during_an_evaluation_releases_the_collector(qapp, registry, monkeypatch):
    from desktop.ui import workers
    from desktop.ui.session import RegistrySession

    collector = main_thread_gc.install(qapp)

    class NeverRuns:
        def start(self, runnable) -> None:
            runnable.done.set()  # the task is never run: its result never comes

    monkeypatch.setattr(workers, "_pool", NeverRuns())
    session = RegistrySession(registry)
    session.evaluate_all()
    assert collector.holds == 1 and session.evaluating
    session.close()
    assert collector.holds == 0
