"""Bulk writes: an import of many patients (all or nothing, after a backup) and the swap of every patient."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from desktop.domain import InvalidData, Patient
from desktop.store import audit
from desktop.store.backup import backup_registry
from desktop.store.connection import transaction
from desktop.store.queries import placeholders
from desktop.store.writes import AuditedWrites, already_present

Progress = Callable[[int, int], None]
#: Patients inserted per progress report.
IMPORT_CHUNK = 500
#: Bound parameters per `IN (…)` list: under SQLite's historical limit of 999 variables per statement.
MAX_BOUND_IDS = 900


class BulkWrites(AuditedWrites):
    """Imports and replacements of many patients in one transaction."""

    def import_patients(
        self,
        patients: Sequence[Patient],
        source: str,
        *,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Add validated patients in one transaction (all or nothing), after a backup. Returns the count.

        Existing ids are an error unless `replace`, which swaps each existing patient for the imported one.
        `progress(done, total)` may raise to cancel; nothing is then written.
        """
        existing = self.existing_ids([p.patient_id for p in patients], replace=replace)
        if self.count_patients():
            backup_registry(self.conn, self.path, reason="before-import")
        total = len(patients)
        with transaction(self.conn):
            if existing:
                for start in range(0, len(existing), MAX_BOUND_IDS):
                    doomed = existing[start : start + MAX_BOUND_IDS]
                    self.conn.execute(f"DELETE FROM patients WHERE patient_id IN ({placeholders(len(doomed))})", doomed)
            for start in range(0, total, IMPORT_CHUNK):
                chunk = patients[start : start + IMPORT_CHUNK]
                self._insert_patients(chunk)
                if progress:
                    progress(min(start + IMPORT_CHUNK, total), total)
            replaced = set(existing)
            audit.write_many(
                self.conn,
                (("import_replace" if p.patient_id in replaced else "import", p.patient_id, None, None, None, source)
                 for p in patients),
            )  # fmt: skip
        return total

    def replace_all_patients(
        self, patients: Sequence[Patient], source: str, settings: dict[str, str] | None = None
    ) -> int:
        """Swap every patient for `patients` (and store `settings`) in one transaction, after a backup."""
        if self.count_patients():
            backup_registry(self.conn, self.path, reason="before-replace")
        with transaction(self.conn):
            self.conn.execute("DELETE FROM patients")
            self._insert_patients(patients)
            audit.write(self.conn, "replace_all", None, None, None, None, f"{len(patients)} patients from {source}")
            for key, value in (settings or {}).items():
                self.set_setting(key, value)
        return len(patients)

    def existing_ids(self, ids: Sequence[str], *, replace: bool) -> list[str]:
        """Which of `ids` are already in the registry (sorted); `InvalidData` naming each unless `replace`."""
        existing = self._existing_ids(ids)
        if existing and not replace:
            raise InvalidData([already_present(pid) for pid in existing])
        return existing

    def _existing_ids(self, ids: Sequence[str]) -> list[str]:
        found: list[str] = []
        for start in range(0, len(ids), MAX_BOUND_IDS):
            chunk = list(ids[start : start + MAX_BOUND_IDS])
            rows = self.conn.execute(
                f"SELECT patient_id FROM patients WHERE patient_id IN ({placeholders(len(chunk))})", chunk
            )
            found.extend(r[0] for r in rows)
        return sorted(found)
