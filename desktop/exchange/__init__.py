"""Import and export of registries: the JSON exchange file (contract v2; v1 read too), CSV/XLSX tables, FHIR R4,
REDCap, de-identification and atomic file output."""
