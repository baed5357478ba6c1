"""De-identification for exports (contract v2): pseudonyms, dates moved back, birth year or 90+, free text dropped."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import types
import typing
from collections.abc import Iterator

import pytest

from desktop.clinical import evaluate_patient
from desktop.clinical.calendar import add_months
from desktop.demo import generate_patients
from desktop.domain import (
    COMMON_ADVERSE_EVENT_TERMS,
    KNOWN_REGIMENS,
    PATIENT_FIELDS,
    RECORD_KINDS,
    InvalidData,
    Patient,
    parse_registry_json,
    validate_patient,
)
from desktop.domain.validation import patient_problems
from desktop.exchange.deidentify import (
    FREE_TEXT_REMOVED,
    MAX_OFFSET_DAYS,
    OTHER_NPM1_TYPE,
    Deidentifier,
    PseudonymCollision,
    controlled_npm1_type,
    controlled_regimen,
    controlled_term,
    deidentify_patients,
)
from desktop.exchange.registry_json import write_registry_json
from tests.builders import D0, day, make_patient, patient_dict

TODAY = dt.date(2026, 3, 1)
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
DEID = Deidentifier(KEY, TODAY)
DATED_KINDS = [kind for kind in RECORD_KINDS if kind != "co_mutations"]
#: The date fields of each dated record kind.
DATE_FIELDS = {"cycles": ("start_date",), "medications": ("start_date", "end_date")}
MEDICATIONS = [
    {"name": "posaconazole", "start_date": day(6), "end_date": day(40)},
    {"name": "fluconazole", "start_date": day(50)},  # ongoing
]


@pytest.fixture(scope="module")
def demo() -> list[Patient]:
    return generate_patients(200, seed=11, today=TODAY)


@pytest.fixture(scope="module")
def demo_deidentified(demo) -> list[Patient]:
    return list(deidentify_patients(demo, KEY, TODAY))


def full_patient(patient_id: str = "P0001", **overrides) -> Patient:
    """A patient with every field and every record kind."""
    events = [{"date": day(200), "type": "discontinuation"}, {"date": day(300), "type": "rechallenge"}]
    return make_patient(patient_id, cycles=3, events=events, **{"medications": MEDICATIONS, **overrides})


def dates_of(patient: Patient) -> list[tuple[str, dt.date]]:
    """Every date of a patient but the birth date, with where it is, in a fixed order (absent ones left out)."""
    found = [("diagnosis_date", patient.diagnosis_date)]
    for kind in DATED_KINDS:
        for i, record in enumerate(getattr(patient, kind)):
            for name in DATE_FIELDS.get(kind, ("date",)):
                if getattr(record, name) is not None:
                    found.append((f"{kind}[{i}].{name}", getattr(record, name)))
    return found


def id_with_offset(condition, key: bytes = KEY) -> str:
    return next(f"P{n}" for n in range(10_000) if condition(Deidentifier(key, TODAY).offset_days(f"P{n}")))


# ---- pseudonyms and offsets -------------------------------------------------------------------------


def test_pseudonym_is_a_keyed_hash_stable_for_one_key():
    pseudonym = DEID.pseudonym("P0001")
    assert re.fullmatch(r"DEID-[0-9a-f]{12}", pseudonym)
    assert Deidentifier(bytes(KEY), dt.date(2030, 1, 1)).pseudonym("P0001") == pseudonym  # not the date
    assert DEID.pseudonym("P0002") != pseudonym
    assert Deidentifier(OTHER_KEY, TODAY).pseudonym("P0001") != pseudonym
    ids = [f"P{n:05d}" for n in range(5000)]
    assert len({DEID.pseudonym(i) for i in ids}) == len(ids)


def test_offsets_are_secret_stable_and_always_1_to_180_days_back():
    ids = [f"P{n:05d}" for n in range(20_000)]
    offsets = [DEID.offset_days(i) for i in ids]
    assert all(-180 <= o <= -1 for o in offsets) and MAX_OFFSET_DAYS == 180
    assert (min(offsets), max(offsets)) == (-180, -1)  # the whole range is used, never 0, never forward
    assert len(set(offsets)) == 180
    assert max(collections.Counter(offsets).values()) < 2 * len(ids) / 180  # about uniform
    assert offsets == [Deidentifier(KEY, dt.date(2030, 1, 1)).offset_days(i) for i in ids]
    other = [Deidentifier(OTHER_KEY, TODAY).offset_days(i) for i in ids]
    assert sum(a == b for a, b in zip(offsets, other, strict=True)) < len(ids) / 90  # ~1/180 by chance


def test_the_key_must_be_long_and_is_not_shown():
    with pytest.raises(ValueError, match="at least 16 bytes"):
        Deidentifier(b"short", TODAY)
    assert KEY.hex() not in repr(DEID) and repr(KEY) not in repr(DEID)


def test_exports_with_the_same_key_agree_and_other_registries_differ(demo):
    first = list(deidentify_patients(demo, KEY, TODAY))
    second = list(deidentify_patients(demo, KEY, TODAY))
    assert first == second
    other = list(deidentify_patients(demo, OTHER_KEY, TODAY))
    assert not {p.patient_id for p in first} & {p.patient_id for p in other}
    assert sum(a.diagnosis_date == b.diagnosis_date for a, b in zip(first, other, strict=True)) < 10


def test_deidentify_patients_streams_and_detects_collisions(monkeypatch):
    def patients() -> Iterator[Patient]:
        yield make_patient("P1")
        raise AssertionError("read ahead")

    assert next(deidentify_patients(patients(), KEY, TODAY)).patient_id == DEID.pseudonym("P1")
    with pytest.raises(PseudonymCollision, match="P1 is given twice"):
        list(deidentify_patients([make_patient("P1"), make_patient("P1")], KEY, TODAY))
    monkeypatch.setattr(Deidentifier, "pseudonym", lambda self, patient_id: "DEID-000000000000")
    with pytest.raises(PseudonymCollision, match="P1 and P2 got the same pseudonym"):
        list(deidentify_patients([make_patient("P1"), make_patient("P2")], KEY, TODAY))


# ---- what is kept, dropped and mapped ---------------------------------------------------------------


def test_identifiers_go_clinical_data_stay():
    original = full_patient()
    result = DEID.patient(original)
    assert (result.name, result.mrn, result.birth_date, result.age_over_89) == (None, None, None, None)
    assert result.patient_id == DEID.pseudonym("P0001") and result.birth_year == 1950
    kept = ("sex", "npm1_type", "baseline_npm1_abl1_pct", "co_mutations")
    assert [getattr(result, f) for f in kept] == [getattr(original, f) for f in kept]
    for kind in DATED_KINDS:
        assert len(getattr(result, kind)) == len(getattr(original, kind))
        for before, after in zip(getattr(original, kind), getattr(result, kind), strict=True):
            date_fields = set(DATE_FIELDS.get(kind, ("date",)))
            assert before.model_dump(exclude=date_fields) == after.model_dump(exclude=date_fields)


def test_every_date_moves_by_the_patients_offset_so_intervals_are_kept(demo, demo_deidentified):
    for original, result in zip(demo, demo_deidentified, strict=True):
        offset = dt.timedelta(days=DEID.offset_days(original.patient_id))
        before, after = dates_of(original), dates_of(result)
        assert [where for where, _ in before] == [where for where, _ in after]
        assert all(b + offset == a for (_, b), (_, a) in zip(before, after, strict=True)), original.patient_id


def test_the_review_of_fields_is_complete():
    """Fails when a model gains a date or text field: decide whether de-identification must change it."""

    def leaves(annotation) -> set:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is typing.Annotated:
            return leaves(args[0])
        if origin in (typing.Union, types.UnionType):
            return set().union(*(leaves(a) for a in args))
        return {annotation}

    def fields_of(model, wanted) -> set[str]:
        return {f"{model.__name__}.{n}" for n, info in model.model_fields.items() if wanted in leaves(info.annotation)}

    models = [Patient, *RECORD_KINDS.values()]
    dates = set().union(*(fields_of(m, dt.date) for m in models))
    texts = set().union(*(fields_of(m, str) for m in models))
    assert dates == {
        "Patient.birth_date", "Patient.diagnosis_date", "Cycle.start_date", "MrdSample.date", "BloodCount.date",
        "Response.date", "AdverseEvent.date", "Event.date", "Medication.start_date", "Medication.end_date",
    }  # fmt: skip
    assert texts == {
        "Patient.patient_id", "Patient.mrn", "Patient.name", "Patient.npm1_type", "CoMutation.gene", "Cycle.regimen",
        "AdverseEvent.term", "Medication.name",
    }  # fmt: skip
    assert "birth_year" in PATIENT_FIELDS and "age_over_89" in PATIENT_FIELDS


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (dt.date(1936, 3, 2), (1936, None)),  # 89 on `today` (90 tomorrow): the year is kept
        (dt.date(1936, 3, 1), (None, True)),  # 90 on `today`: pooled
        (dt.date(1920, 6, 1), (None, True)),
        (dt.date(1960, 12, 31), (1960, None)),
    ],
)
def test_ages_over_89_are_pooled(birth_date, expected):
    result = DEID.patient(make_patient("P1", birth_date=birth_date))
    assert (result.birth_year, result.age_over_89) == expected
    assert result.birth_date is None


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ({"birth_year": 1937}, (1937, None)),  # 88 or 89 on `today`
        ({"birth_year": 1936}, (None, True)),  # 89 or 90: pooled, the age may be over 89
        ({"age_over_89": True}, (None, True)),
        ({}, (None, None)),
    ],
)
def test_already_deidentified_birth_fields(birth, expected):
    result = DEID.patient(make_patient("P1", birth_date=None, **birth))
    assert (result.birth_year, result.age_over_89) == expected


def test_a_birth_year_after_the_shifted_diagnosis_year_is_dropped():
    """Born in the diagnosis year: a shift back into the year before would make the patient invalid
    (birth year after the diagnosis year), so the year is dropped; a shift that stays in the year keeps it."""
    birth, diagnosis = dt.date(2023, 1, 2), dt.date(2023, 1, 10)
    across = id_with_offset(lambda o: o < -10)
    within = id_with_offset(lambda o: o > -9)
    for pid, year in ((across, None), (within, 2023)):
        result = DEID.patient(make_patient(pid, birth_date=birth, diagnosis_date=diagnosis))
        assert (result.birth_year, result.age_over_89) == (year, None)
        assert patient_problems(result, TODAY) == []


def test_free_text_adverse_event_terms_are_dropped():
    events = [
        {"date": day(20), "term": "Febrile neutropenia", "grade": 3},
        {"date": day(21), "term": "  febrile   NEUTROPENIA ", "grade": 2},
        {"date": day(22), "term": "Fall at home, seen by Dr Weber at St Anne", "grade": 1},
        {"date": day(23), "term": FREE_TEXT_REMOVED, "grade": 4},
        {"date": day(24), "term": "Adverse event - Other", "grade": 2},  # not on the list either
    ]
    result = DEID.patient(make_patient("P1", adverse_events=events))
    assert [(e.term, e.grade) for e in result.adverse_events] == [
        ("Febrile neutropenia", 3), ("Febrile neutropenia", 2), (FREE_TEXT_REMOVED, 1), (FREE_TEXT_REMOVED, 4),
        (FREE_TEXT_REMOVED, 2),
    ]  # fmt: skip
    assert "Weber" not in json.dumps(result.to_exchange())
    assert all(controlled_term(term) == term for term in COMMON_ADVERSE_EVENT_TERMS)
    assert FREE_TEXT_REMOVED == "Other (free text removed)" and FREE_TEXT_REMOVED not in COMMON_ADVERSE_EVENT_TERMS


def test_regimens_and_npm1_types_keep_only_controlled_values():
    assert [controlled_regimen(r) for r in KNOWN_REGIMENS] == list(KNOWN_REGIMENS)
    assert controlled_regimen("ven-aza") == "VEN-AZA"
    assert controlled_regimen("VEN-AZA, trial of Dr Rossi (MRN 35252644)") == FREE_TEXT_REMOVED
    assert [controlled_npm1_type(t) for t in ("A", "B", "D", "Km", "type D", "b", None)] == [
        "A", "B", "D", "Km", "D", "B", None
    ]  # fmt: skip
    assert controlled_npm1_type("A (lab 4711)") == OTHER_NPM1_TYPE
    assert [c.regimen for c in DEID.patient(full_patient()).cycles] == ["VEN-AZA"] * 3
    data = patient_dict("P1", cycles=1, npm1_type="NM_002520 c.863")
    data["cycles"][0]["regimen"] = "Ven + aza at home (Rossi)"
    result = DEID.patient(validate_patient(data))
    assert ([c.regimen for c in result.cycles], result.npm1_type) == ([FREE_TEXT_REMOVED], OTHER_NPM1_TYPE)
    assert "Rossi" not in json.dumps(result.to_exchange(), default=str)


def test_medication_dates_move_by_the_offset_names_stay_and_ongoing_stays_ongoing():
    original = full_patient("P7")
    shift = dt.timedelta(days=DEID.offset_days("P7"))
    result = DEID.patient(original)
    assert [(m.name, m.start_date, m.end_date) for m in result.medications] == [
        ("posaconazole", day(6) + shift, day(40) + shift),
        ("fluconazole", day(50) + shift, None),
    ]
    assert result.medications[0].start_date == result.cycles[0].start_date  # started with cycle 1, as before


def test_deidentifying_twice_gives_a_valid_patient():
    once = DEID.patient(full_patient(birth_date=dt.date(1940, 1, 1)))
    twice = DEID.patient(once)
    assert twice.patient_id == DEID.pseudonym(once.patient_id)
    assert twice.birth_year == 1940 and twice.adverse_events[0].term == once.adverse_events[0].term


def test_a_deidentified_export_imports_on_the_export_day(demo_deidentified, tmp_path):
    """Valid against the models and every whole-patient rule on the export day itself: no date lies after it
    (v1 shifted forward too, so such a file could only be imported months later)."""
    out = tmp_path / "deid.json"
    write_registry_json(demo_deidentified, out)
    registry = parse_registry_json(out.read_text(encoding="utf-8"), TODAY)
    assert registry.patients == demo_deidentified
    assert max(date for p in demo_deidentified for _, date in dates_of(p)) < TODAY


def test_every_date_moves_back_1_to_180_days_and_none_lies_after_the_export_day(demo, demo_deidentified):
    """One offset per patient, the same for every date of every record kind; every kind is present."""
    seen_kinds: set[str] = set()
    for original, result in zip(demo, demo_deidentified, strict=True):
        moves = {(a - b).days for (_, b), (_, a) in zip(dates_of(original), dates_of(result), strict=True)}
        assert len(moves) == 1 and -180 <= moves.pop() <= -1, original.patient_id
        assert all(date < TODAY for _, date in dates_of(result))
        seen_kinds |= {where.split("[")[0] for where, _ in dates_of(original)}
    original, result = full_patient("P9"), DEID.patient(full_patient("P9"))  # medications: the demo has none
    moves = {(a - b).days for (_, b), (_, a) in zip(dates_of(original), dates_of(result), strict=True)}
    assert moves == {DEID.offset_days("P9")} and original.medications
    assert seen_kinds | {"medications"} == {"diagnosis_date", *DATED_KINDS}


def test_a_date_after_the_export_day_is_refused_not_exported():
    """A registry never holds one (it refuses dates in the future); a computer clock set back could."""
    patient = make_patient("P1")
    refused = r"P1: cycles\[1\]: start_date: 2023-02-15 is after the export date 2023-02-12"
    with pytest.raises(InvalidData, match=refused):
        Deidentifier(KEY, day(33)).patient(patient)
    assert Deidentifier(KEY, day(62)).patient(patient).patient_id == DEID.pseudonym("P1")


# ---- the acceptance checks ------------------------------------------------------------------


def test_the_output_contains_no_name_mrn_original_id_or_birth_date(demo, demo_deidentified, tmp_path):
    """Search the written export for every identifier of every patient.

    Record dates cannot be searched for in the whole file: a shifted date is a real calendar date and
    often equals another real date of some patient (counts every 3 or 7 days, shifted by a multiple of
    that, land on original count dates), and even within one patient the original diagnosis date D comes
    back as the image of a record dated D − offset (it did for 30 of these 200 patients). What is checked
    instead: every shifted date differs from its own original, the de-identified diagnosis date differs
    from the original one, and where D does appear in the patient's object it is only as the image of
    another date (so it tells nothing about D).
    """
    out = tmp_path / "deid.json"
    write_registry_json(demo_deidentified, out)
    text = out.read_text(encoding="utf-8")
    for original in demo:
        assert original.name and original.mrn and original.birth_date
        assert original.name not in text, original.patient_id
        assert original.mrn not in text, original.patient_id
        assert original.birth_date.isoformat() not in text, original.patient_id
        assert not re.search(rf"(?<![\w-]){re.escape(original.patient_id)}(?![\w-])", text), original.patient_id
        for part in original.name.replace(",", " ").split():  # surnames and given names, one by one
            assert part not in text, (original.patient_id, part)
    for original, result in zip(demo, demo_deidentified, strict=True):
        before, after = dict(dates_of(original)), dict(dates_of(result))
        assert all(before[where] != after[where] for where in before), original.patient_id
        diagnosis = original.diagnosis_date
        assert result.diagnosis_date != diagnosis
        assert [where for where, date in after.items() if date == diagnosis] == [
            where for where, date in before.items() if date == diagnosis - (result.diagnosis_date - diagnosis)
        ]
        assert json.dumps(result.to_exchange()).count(diagnosis.isoformat()) == sum(
            date == diagnosis for date in after.values()
        )


AS_OFS = [TODAY - dt.timedelta(days=days) for days in (0, 45, 120, 240, 400)]
DAY_BASED = re.compile(r"end of cycle \d+")
MONTH_BASED = re.compile(r"(on therapy|post-discontinuation) month \d+")


def test_clinical_results_equal_the_originals_at_the_shifted_as_of(demo, demo_deidentified):
    """Rules on the de-identified patient at `as_of + offset` against the original at `as_of`.

    Exactly equal, for every patient and `as_of`: the eligibility status, each criterion's id and `met`,
    the strategy, the alerts' codes and severities, and every schedule item counted in days ("end of cycle
    N": kind, reason, status, due date and window moved by the offset).

    Not exactly equal: items counted in calendar months ("on therapy month N", "post-discontinuation month
    N"). "N months after D" keeps the day of the month (`calendar.add_months`), and N months after D and
    after D + offset span months of other lengths, so such a due date moves by the offset ± up to 3 days
    (28 vs 31 days; the bound is reached). Its window moves with it, so near a boundary an item's status
    (a sample, or `as_of`, falls just inside or outside the window) or its presence (the first unopened
    item of the current course; an item due just before the end of a course) can change. What this test
    asserts for them: every such item present in both schedules moved by the offset + δ with |δ| ≤ 3,
    window and due date alike; items differ only among month-based ones; and an evaluation whose month-
    based due dates all moved exactly by the offset has a schedule exactly equal to the original's.
    Measured with offsets 1–180 days back (this seed and key; 200 patients × 5 dates = 1,000 evaluations,
    4,016 schedule items): 1,231 of the 1,934 month-based items present in both schedules move by δ ≠ 0, in
    442 evaluations of 143 patients (exact schedule equality holds in 558 evaluations); 6 items change status
    and 18 items are listed in only one of the two schedules (9 patients differ in status or presence at
    all). Alert dates (not compared) differ in 14 evaluations of 8 patients, as some alerts carry a due date.
    With 4 other keys and a second seed: 55–62 % of those items move, 4–6 change status, 15–29 are in one
    schedule only; eligibility, criteria, strategy and alert codes never differed.
    """
    month_based_moved = status_changes = presence_changes = 0
    for original, result in zip(demo, demo_deidentified, strict=True):
        offset = dt.timedelta(days=DEID.offset_days(original.patient_id))
        for as_of in AS_OFS:
            before = evaluate_patient(original, as_of)
            after = evaluate_patient(result, as_of + offset)
            where = (original.patient_id, as_of)
            assert after.eligibility.status == before.eligibility.status, where
            assert [(c.id, c.met) for c in after.eligibility.criteria] == [
                (c.id, c.met) for c in before.eligibility.criteria
            ], where
            assert after.eligibility.strategy == before.eligibility.strategy, where
            assert collections.Counter((a.code, a.severity) for a in after.alerts) == collections.Counter(
                (a.code, a.severity) for a in before.alerts
            ), where

            def back(item, shift):
                return (item.kind, item.reason, item.course_opened_on - shift, item.current_course)

            old = {back(i, dt.timedelta(0)): i for i in before.schedule}
            new = {back(i, offset): i for i in after.schedule}
            assert len(old) == len(before.schedule) and len(new) == len(after.schedule), where
            moved = False
            for key in old.keys() | new.keys():
                assert DAY_BASED.fullmatch(key[1]) or MONTH_BASED.fullmatch(key[1]), key
                if key not in old or key not in new:
                    assert MONTH_BASED.fullmatch(key[1]), (where, key)
                    presence_changes += 1
                    continue
                a, b = old[key], new[key]
                delta = (b.due_date - offset - a.due_date).days
                assert b.window_start - b.due_date == a.window_start - a.due_date, (where, key)
                assert b.window_end - b.due_date == a.window_end - a.due_date, (where, key)
                if DAY_BASED.fullmatch(key[1]):
                    assert (delta, b.status) == (0, a.status), (where, key)
                    assert (b.sample_date and b.sample_date - offset) == a.sample_date, (where, key)
                else:
                    assert abs(delta) <= 3, (where, key, delta)
                    moved |= delta != 0
                    month_based_moved += delta != 0
                    status_changes += b.status != a.status
            if not moved and old.keys() == new.keys():
                assert [(i.status, i.due_date - offset) for i in after.schedule] == [
                    (i.status, i.due_date) for i in before.schedule
                ], where
    # The figures reported in the docstring (this key): differences exist, and stay rare.
    assert month_based_moved > 0
    assert status_changes + presence_changes < month_based_moved


def test_month_arithmetic_moves_dates_by_at_most_3_days():
    """The bound the clinical-equivalence test relies on, over every start day of 6 years and every offset."""
    worst = 0
    for start in range(0, 6 * 366, 5):
        first = D0 + dt.timedelta(days=start)
        for days in range(-MAX_OFFSET_DAYS, 0, 7):
            shift = dt.timedelta(days=days)
            for months in (1, 3, 6, 9, 12, 24):
                worst = max(worst, abs((add_months(first + shift, months) - shift - add_months(first, months)).days))
    assert worst == 3
