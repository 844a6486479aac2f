"""FHIR R4 import: a Bundle or an NDJSON export → one trialscreen Patient, with provenance."""

from trialscreen.fhir.load import FhirError, is_fhir, read_fhir_file
from trialscreen.fhir.mapping import FhirImport, import_fhir, to_record_json

__all__ = ["FhirError", "FhirImport", "import_fhir", "is_fhir", "read_fhir_file", "to_record_json"]
