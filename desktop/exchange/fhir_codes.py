"""Code systems, codes and profiles of the FHIR R4 export (docs/fhir.md explains each choice).

Standard codes where a suitable one exists (LOINC, SNOMED CT, ICD-10-CM, ICD-O-3, RxNorm, HGNC, UCUM);
local codes, in code systems under `BASE`, where none does (the NPM1/ABL1 ratio and copy numbers, the ELN
response category, the registry events, the CTCAE grade). `BASE` is the one namespace to change for a site.
"""

from __future__ import annotations

import uuid
from typing import Any

BASE = "https://ventrack.local/fhir"
#: Namespace of the deterministic resource ids (uuid5 of patient id + record kind + index).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)

# Code systems
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
HGNC = "http://www.genenames.org/geneId"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
# Local code systems and identifier systems
VENTRACK_CS = f"{BASE}/CodeSystem/ventrack"
RESPONSE_CS = f"{BASE}/CodeSystem/eln-response"
EVENT_CS = f"{BASE}/CodeSystem/registry-event"
CTCAE_GRADE_CS = f"{BASE}/CodeSystem/ctcae-grade"
PATIENT_ID_SYSTEM = f"{BASE}/sid/patient-id"
MRN_SYSTEM = f"{BASE}/sid/mrn"
# Local extensions
EXT_CYCLE_NUMBER = f"{BASE}/StructureDefinition/treatment-cycle-number"
EXT_REGIMEN = f"{BASE}/StructureDefinition/treatment-regimen"
EXT_CTCAE_GRADE = f"{BASE}/StructureDefinition/ctcae-grade"
EXT_NPM1_TYPE = f"{BASE}/StructureDefinition/npm1-mutation-type"
#: A de-identified patient aged 90 or over, whose birth year is withheld (`age_over_89`).
EXT_AGE_90_OR_OVER = f"{BASE}/StructureDefinition/age-90-or-over"

# mCODE STU3 (3.0.0) profiles, claimed in meta.profile only where the resource carries what they require.
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition"
PROFILE_CANCER_PATIENT = f"{MCODE}/mcode-cancer-patient"
PROFILE_PRIMARY_CANCER_CONDITION = f"{MCODE}/mcode-primary-cancer-condition"
PROFILE_CANCER_DISEASE_STATUS = f"{MCODE}/mcode-cancer-disease-status"
PROFILE_MEDICATION_ADMINISTRATION = f"{MCODE}/mcode-cancer-related-medication-administration"
EXT_HISTOLOGY = f"{MCODE}/mcode-histology-morphology-behavior"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A Coding."""
    return {"system": system, "code": code, "display": display} if display else {"system": system, "code": code}


def concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    """A CodeableConcept with one coding (and `text` when given)."""
    result: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text:
        result["text"] = text
    return result


# Diagnosis: ICD-10-CM by remission status, ICD-O-3 morphology, SNOMED CT disorder
ICD10_NOT_IN_REMISSION = ("C92.00", "Acute myeloblastic leukemia, not having achieved remission")
ICD10_IN_REMISSION = ("C92.01", "Acute myeloblastic leukemia, in remission")
ICD10_IN_RELAPSE = ("C92.02", "Acute myeloblastic leukemia, in relapse")
ICDO3_AML_NPM1 = ("9877/3", "Acute myeloid leukemia with mutated NPM1")
SNOMED_AML = ("91861009", "Acute myeloid leukemia, disease (disorder)")
SNOMED_BONE_MARROW = ("14016003", "Bone marrow structure (body structure)")

LABORATORY = concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory")
PATIENT_MR_TYPE = concept(V2_0203, "MR", "Medical record number")

# Molecular results
NPM1_ABL1_RATIO = concept(VENTRACK_CS, "npm1-abl1-ratio", "NPM1 mutant/ABL1 transcripts × 100 (qRT-PCR)")
NPM1_COPIES = concept(VENTRACK_CS, "npm1-mut-copies", "NPM1 mutant transcript copies")
ABL1_COPIES = concept(VENTRACK_CS, "abl1-copies", "ABL1 transcript copies")
DETECTED = concept(INTERPRETATION, "DET", "Detected")
NOT_DETECTED = concept(INTERPRETATION, "ND", "Not detected")
SPECIMEN_TYPES = {
    "BM": ("119359002", "Bone marrow specimen"),
    "PB": ("119297000", "Blood specimen"),
}
GENETIC_VARIANT_ASSESSMENT = concept(LOINC, "69548-6", "Genetic variant assessment")
GENE_STUDIED = concept(LOINC, "48018-6", "Gene studied [ID]")
VARIANT_ALLELE_FREQUENCY = concept(LOINC, "81258-6", "Sample variant allelic frequency [NFr]")
ALLELIC_RATIO = concept(VENTRACK_CS, "allelic-ratio", "Mutant/wild-type allelic ratio (FLT3-ITD)")
PRESENT = concept(LOINC, "LA9633-4", "Present")
ABSENT = concept(LOINC, "LA9634-2", "Absent")
#: HGNC ids of the genes VenTrack knows (gene label → (HGNC id, symbol)); FLT3-ITD/-TKD are FLT3 variants.
HGNC_GENES: dict[str, tuple[str, str]] = {
    "NPM1": ("HGNC:7910", "NPM1"), "FLT3-ITD": ("HGNC:3765", "FLT3"), "FLT3-TKD": ("HGNC:3765", "FLT3"),
    "FLT3": ("HGNC:3765", "FLT3"), "TP53": ("HGNC:11998", "TP53"), "ASXL1": ("HGNC:18318", "ASXL1"),
    "RUNX1": ("HGNC:10471", "RUNX1"), "DNMT3A": ("HGNC:2978", "DNMT3A"), "IDH1": ("HGNC:5382", "IDH1"),
    "IDH2": ("HGNC:5383", "IDH2"), "TET2": ("HGNC:25941", "TET2"), "SRSF2": ("HGNC:10783", "SRSF2"),
    "NRAS": ("HGNC:7989", "NRAS"), "KRAS": ("HGNC:6407", "KRAS"), "PTPN11": ("HGNC:9644", "PTPN11"),
    "CEBPA": ("HGNC:1833", "CEBPA"), "WT1": ("HGNC:12796", "WT1"), "BCOR": ("HGNC:20893", "BCOR"),
    "STAG2": ("HGNC:11355", "STAG2"), "EZH2": ("HGNC:3527", "EZH2"), "U2AF1": ("HGNC:12453", "U2AF1"),
    "SF3B1": ("HGNC:10768", "SF3B1"), "ZRSR2": ("HGNC:23019", "ZRSR2"), "KIT": ("HGNC:6342", "KIT"),
}  # fmt: skip

# Blood counts: field → (LOINC code, display, UCUM unit)
CBC_PANEL = concept(LOINC, "57021-8", "CBC W Auto Differential panel - Blood")
COUNT_CODES: dict[str, tuple[str, str, str]] = {
    "anc": ("751-8", "Neutrophils [#/volume] in Blood by Automated count", "10*9/L"),
    "platelets": ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*9/L"),
    "hemoglobin": ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL"),
    "wbc": ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*9/L"),
    "blasts_pct": ("709-6", "Blasts/100 leukocytes in Blood by Manual count", "%"),
}
COUNT_FIELD_BY_LOINC = {code: field for field, (code, _, _) in COUNT_CODES.items()}

# Response (mCODE CancerDiseaseStatus): the ELN category locally, its ConditionStatusTrendVS meaning in SNOMED
CANCER_DISEASE_STATUS = concept(LOINC, "97509-4", "Cancer disease progression")
RESPONSE_TREND: dict[str, tuple[str, str]] = {
    "CR": ("103338009", "In full remission (qualifier value)"),
    "CRh": ("103338009", "In full remission (qualifier value)"),
    "CRi": ("103338009", "In full remission (qualifier value)"),
    "MLFS": ("268910001", "Patient's condition improved (finding)"),
    "PR": ("103337004", "In partial remission (qualifier value)"),
    "NR": ("359746009", "Patient's condition stable (finding)"),
    "relapse": ("271299001", "Patient's condition worsened (finding)"),
}
RESPONSE_DISPLAY = {
    "CR": "Complete remission",
    "CRh": "Complete remission with partial hematologic recovery",
    "CRi": "Complete remission with incomplete hematologic recovery",
    "MLFS": "Morphologic leukemia-free state",
    "PR": "Partial remission",
    "NR": "No response",
    "relapse": "Relapse",
}
REMISSION_CATEGORIES = frozenset({"CR", "CRh", "CRi"})

# Treatment: RxNorm ingredients (venetoclax and the partner agent of each known regimen). Concomitant
# medications (MedicationStatement) carry their generic name as text only: their RxNorm codes are unchecked.
VENETOCLAX = ("1747556", "venetoclax")
PARTNER_DRUGS: dict[str, tuple[str, str]] = {
    "VEN-AZA": ("1251", "azacitidine"),
    "VEN-DEC": ("15657", "decitabine"),
    "VEN-LDAC": ("3041", "cytarabine"),
}

# Events
HSCT = concept(SNOMED, "234336002", "Hemopoietic stem cell transplant (procedure)")
REGISTRY_EVENT = concept(VENTRACK_CS, "registry-event", "Registry event")
EVENT_DISPLAY = {
    "discontinuation": "Planned stop of venetoclax-based therapy",
    "rechallenge": "Restart of venetoclax-based therapy after a stop",
    "hsct": "Hematopoietic stem cell transplant",
    "hematologic_relapse": "Hematologic relapse",
    "death": "Death",
    "lost_to_follow_up": "Lost to follow-up",
}
SNOMED_DEATH = ("419620001", "Death (event)")

# Adverse events: CTCAE v5.0 grade → R4 AdverseEvent.severity
AE_SEVERITY_BY_GRADE = {1: "mild", 2: "moderate", 3: "severe", 4: "severe", 5: "severe"}
CTCAE_GRADE_DISPLAY = {1: "Grade 1 Mild", 2: "Grade 2 Moderate", 3: "Grade 3 Severe",
                       4: "Grade 4 Life-threatening", 5: "Grade 5 Death"}  # fmt: skip
