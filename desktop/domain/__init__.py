"""Domain model of the registry: pydantic v2 models, enums and validation (no Qt, no SQL)."""

from desktop.domain.patient import PATIENT_FIELDS, RECORD_KINDS, Patient, RegistryFile
from desktop.domain.records import (
    COMMON_ADVERSE_EVENT_TERMS,
    COMMON_GENES,
    EVENT_TYPES,
    KNOWN_REGIMENS,
    RESPONSE_CATEGORIES,
    SEXES,
    SPECIMENS,
    AdverseEvent,
    BloodCount,
    CoMutation,
    Cycle,
    Event,
    MrdSample,
    Record,
    Response,
)
from desktop.domain.validation import InvalidData, Problem, parse_registry_json, validate_patient

__all__ = [
    "COMMON_ADVERSE_EVENT_TERMS",
    "COMMON_GENES",
    "EVENT_TYPES",
    "KNOWN_REGIMENS",
    "PATIENT_FIELDS",
    "RECORD_KINDS",
    "RESPONSE_CATEGORIES",
    "SEXES",
    "SPECIMENS",
    "AdverseEvent",
    "BloodCount",
    "CoMutation",
    "Cycle",
    "Event",
    "InvalidData",
    "MrdSample",
    "Patient",
    "Problem",
    "Record",
    "RegistryFile",
    "Response",
    "parse_registry_json",
    "validate_patient",
]
