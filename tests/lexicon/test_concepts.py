"""The concept lexicon: data integrity, lookups, codes, the hierarchy, finding phrases in text."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FHIR_BUNDLES, need_shared
from trialscreen.lexicon import concepts

REQUIRED = """
pregnancy breastfeeding childbearing_potential postmenopausal premenopausal perimenopausal
chemotherapy immunotherapy endocrine_therapy targeted_therapy radiotherapy surgery major_surgery
biopsy open_biopsy transplant dialysis investigational_agent brain_metastases liver_metastases
metastatic_disease hiv_infection hepatitis_b hepatitis_c myocardial_infarction
congestive_heart_failure unstable_angina cardiac_arrhythmia hypertension bleeding_diathesis
hemorrhage thromboembolic_event stroke infection organ_allograft seizure_disorder
gilberts_syndrome breast_cancer renal_cell_carcinoma neuroendocrine_tumor cancer diabetes sorafenib
cyclophosphamide everolimus rifampin bevacizumab warfarin heparin anticoagulation st_johns_wort
cyp3a4_inducer enzyme_inducing_antiepileptic phenytoin carbamazepine phenobarbital
aromatase_inhibitor letrozole anastrozole exemestane tamoxifen trastuzumab steroids g_csf
erythropoietin biologic_response_modifier vegf_inhibitor bone_marrow_transplant
""".split()

IS_A = [
    ("letrozole", "aromatase_inhibitor"),
    ("letrozole", "endocrine_therapy"),
    ("anastrozole", "aromatase_inhibitor"),
    ("exemestane", "endocrine_therapy"),
    ("tamoxifen", "endocrine_therapy"),
    ("cyclophosphamide", "chemotherapy"),
    ("paclitaxel", "chemotherapy"),
    ("docetaxel", "chemotherapy"),
    ("doxorubicin", "chemotherapy"),
    ("carboplatin", "chemotherapy"),
    ("capecitabine", "chemotherapy"),
    ("sorafenib", "targeted_therapy"),
    ("sorafenib", "vegf_inhibitor"),
    ("sunitinib", "vegf_inhibitor"),
    ("bevacizumab", "vegf_inhibitor"),
    ("everolimus", "targeted_therapy"),
    ("phenytoin", "enzyme_inducing_antiepileptic"),
    ("carbamazepine", "cyp3a4_inducer"),
    ("phenobarbital", "cyp3a4_inducer"),
    ("rifampin", "cyp3a4_inducer"),
    ("st_johns_wort", "cyp3a4_inducer"),
    ("liver_metastases", "metastatic_disease"),
    ("brain_metastases", "metastatic_disease"),
    ("major_surgery", "surgery"),
    ("mastectomy", "surgery"),
    ("lumpectomy", "surgery"),
    ("nephrectomy", "surgery"),
    ("metastasectomy", "surgery"),
    ("breast_cancer", "cancer"),
    ("renal_cell_carcinoma", "cancer"),
    ("neuroendocrine_tumor", "cancer"),
    ("warfarin", "anticoagulation"),
    ("heparin", "anticoagulation"),
    ("g_csf", "biologic_response_modifier"),
    ("erythropoietin", "biologic_response_modifier"),
]

LOOKUPS = [
    ("HIV", "hiv_infection"),
    ("HIV-positive", "hiv_infection"),
    ("brain metastases", "brain_metastases"),
    ("Brain  Metastasis", "brain_metastases"),
    ("St. John's wort", "st_johns_wort"),
    ("St John\u2019s Wort", "st_johns_wort"),
    ("breast-feeding", "breastfeeding"),
    ("breast feeding", "breastfeeding"),
    ("Breastfeeding", "breastfeeding"),
    ("Gilbert's disease", "gilberts_syndrome"),
    ("Gilbert\u2019s syndrome", "gilberts_syndrome"),
    ("liver involvement", "liver_involvement"),  # liver metastases, or a liver primary
    ("coumadin", "warfarin"),
    ("Rifampicin", "rifampin"),
    ("pregnancies", "pregnancy"),
    ("investigational agents", "investigational_agent"),
    ("Investigational drugs", "investigational_agent"),
    ("child-bearing potential", "childbearing_potential"),
    ("seizure disorders", "seizure_disorder"),
    ("aromatase inhibitors", "aromatase_inhibitor"),
    ("Hormonal therapy", "endocrine_therapy"),
    ("XRT", "radiotherapy"),
    ("G-CSF", "g_csf"),
    ("corticosteroids", "steroids"),
]


def test_at_least_250_concepts() -> None:
    assert len(concepts.all_concepts()) >= 250


def test_required_ids_exist() -> None:
    for concept_id in REQUIRED:
        assert concepts.get(concept_id).id == concept_id


def test_unknown_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        concepts.get("no_such_concept")
    with pytest.raises(KeyError):
        concepts.ancestors("no_such_concept")


def test_ids_unique_and_snake_case() -> None:
    ids = [c.id for c in concepts.all_concepts()]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalnum() and i == i.lower() for i in ids)


def test_no_synonym_collisions() -> None:
    """Curated names and synonyms, and the synonyms grown from ICD-10-CM, each name one concept;
    the formal ICD-10-CM name of a grown concept is looked up in records only, and a curated
    phrase wins over it."""
    owners: dict[str, set[str]] = {}
    for concept in concepts.all_concepts():
        grown = concept.id.startswith("icd10_")
        for phrase in (*([] if grown else [concept.name.lower()]), *concept.synonyms):
            owners.setdefault(phrase, set()).add(concept.id)
    clashes = {phrase: ids for phrase, ids in owners.items() if len(ids) > 1}
    assert clashes == {}
    assert set(concepts.synonyms()) == set(owners)


def test_synonyms_are_lowercase_and_read_back() -> None:
    for phrase, concept_id in concepts.synonyms().items():
        assert phrase == phrase.lower().strip()
        found = concepts.lookup(phrase)
        assert found is not None and found.id == concept_id, phrase


def test_no_generic_words_as_synonyms() -> None:
    generic = {"on", "use", "disease", "history", "prior", "no", "other", "treatment", "therapy"}
    assert generic.isdisjoint(concepts.synonyms())


def test_every_parent_exists_and_no_cycles() -> None:
    ids = {c.id for c in concepts.all_concepts()}
    for concept in concepts.all_concepts():
        assert set(concept.parents) <= ids, concept.id
        assert concept.id not in concept.parents
        for parent in concept.parents:
            assert concept.id not in concepts.ancestors(parent), f"cycle through {concept.id}"


def test_code_systems_and_no_shared_codes() -> None:
    seen: Counter[tuple[str, str]] = Counter()
    for concept in concepts.all_concepts():
        assert set(concept.codes) <= {"snomed", "icd10", "rxnorm"}
        for system, codes in concept.codes.items():
            seen.update((system, code) for code in codes)
    assert [key for key, n in seen.items() if n > 1] == []


@pytest.mark.parametrize(("child", "ancestor"), IS_A)
def test_is_a(child: str, ancestor: str) -> None:
    assert concepts.is_a(child, ancestor)


def test_ancestors_include_self_and_are_transitive() -> None:
    found = concepts.ancestors("letrozole")
    assert {"letrozole", "aromatase_inhibitor", "endocrine_therapy"} <= found
    assert isinstance(found, frozenset)
    assert not concepts.is_a("tamoxifen", "aromatase_inhibitor")
    assert not concepts.is_a("endocrine_therapy", "letrozole")


@pytest.mark.parametrize(("phrase", "concept_id"), LOOKUPS)
def test_lookup(phrase: str, concept_id: str) -> None:
    found = concepts.lookup(phrase)
    assert found is not None and found.id == concept_id


def test_lookup_misses() -> None:
    for phrase in ("", "   ", "history", "the patient", "platelets", "ecog"):
        assert concepts.lookup(phrase) is None


@pytest.mark.parametrize(
    ("system", "code", "concept_id"),
    [
        ("snomed", "86406008", "hiv_infection"),
        ("http://snomed.info/sct", "94225005", "brain_metastases"),
        ("http://snomed.info/sct", "254837009", "breast_cancer"),
        ("http://snomed.info/sct", "59621000", "hypertension"),
        ("icd10", "B20", "hiv_infection"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "C79.31", "brain_metastases"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "C79.89", "metastatic_disease"),
        ("icd10", "C79.32", "leptomeningeal_disease"),
        ("http://hl7.org/fhir/sid/icd-10", "C78.7", "liver_metastases"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "I21.4", "myocardial_infarction"),
        ("icd10", "c50.911", "breast_cancer"),
        ("icd10", "I10", "hypertension"),
        ("rxnorm", "72965", "letrozole"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "11289", "warfarin"),
    ],
)
def test_by_code(system: str, code: str, concept_id: str) -> None:
    """The concept a code names is that concept or a kind of it: I21.4 is NSTEMI (grown from
    ICD-10-CM), a myocardial infarction."""
    found = concepts.by_code(system, code)
    assert found is not None and concept_id in concepts.ancestors(found.id)


@pytest.mark.parametrize(
    ("code", "concept_id", "not_under"),
    [
        ("I48.4", "icd10_i48_4", "atrial_fibrillation"),  # I48 groups flutter with AF
        ("E66.3", "icd10_e66_3", "obesity"),  # E66 groups overweight with obesity
        ("C22.1", "icd10_c22_1", "hepatocellular_carcinoma"),  # C22 is liver and bile ducts
        ("E22.0", "icd10_e22_0", "cancer"),
    ],
)
def test_a_grown_code_is_not_a_kind_of_a_broader_curated_code(
    code: str, concept_id: str, not_under: str
) -> None:
    found = concepts.by_code("icd10", code)
    assert found is not None and found.id == concept_id
    assert not_under not in concepts.ancestors(found.id)


def test_conditions_grown_from_icd10_cm_are_found_by_name() -> None:
    for name, concept_id in [
        ("acromegaly", "icd10_e22_0_k2"),
        ("Cushing's syndrome", "icd10_e24"),
        ("Cushing syndrome", "icd10_e24"),
        ("systemic mastocytosis", "icd10_d47_02"),
        ("polycystic ovary syndrome", "icd10_e28_2"),
        ("hemochromatosis", "icd10_e83_11"),
        ("Turner syndrome", "icd10_q96"),
        ("Marfan syndrome", "icd10_q87_4"),
        ("Meniere's disease", "icd10_h81_0"),
        ("Acromegaly and pituitary gigantism", "icd10_e22_0"),  # the formal name, for records
    ]:
        found = concepts.lookup(name)
        assert found is not None and found.id == concept_id, name
    # an included kind is under its code, never the code itself: hydrosalpinx is one kind of
    # chronic salpingitis and oophoritis, and chronic oophoritis is not hydrosalpinx
    hydrosalpinx = concepts.lookup("hydrosalpinx")
    assert hydrosalpinx is not None and "icd10_n70_1" in concepts.ancestors(hydrosalpinx.id)
    oophoritis = concepts.lookup("chronic oophoritis")
    assert oophoritis is not None and hydrosalpinx.id not in concepts.ancestors(oophoritis.id)
    # a curated concept coded by the ICD category that it names: NSTEMI is a myocardial infarction
    assert "myocardial_infarction" in concepts.ancestors("icd10_i21_4")


@pytest.mark.parametrize(
    ("name", "not_under"),
    [  # wrong parents an outside review found, from names ending in a curated concept's name
        ("cardiac asthma", "asthma"),
        ("ocular hypertension", "hypertension"),
        ("benign intracranial hypertension", "hypertension"),
        ("alcoholic hepatitis", "viral_hepatitis"),
        ("irradiation cystitis", "urinary_tract_infection"),
        ("solitary myeloma", "multiple_myeloma"),
        ("myeloid sarcoma", "solid_tumor"),
        ("lupus anticoagulant", "anticoagulation"),
        ("ocular hypertension", "glaucoma"),
        ("glaucoma suspect", "glaucoma"),
        ("benign carcinoid tumors", "cancer"),
        ("febrile convulsions", "seizure_disorder"),
        ("vincent's angina", "angina_pectoris"),
        # ICD-10-CM files these under a category their own name does not say
        ("tardive dyskinesia", "dystonia"),
        ("schizophreniform disorder", "schizophrenia"),
        ("cyclical vomiting", "migraine"),
        # a trait or carrier is no disease to a criterion
        ("beta thalassemia trait", "icd10_d56"),
    ],
)
def test_a_grown_name_is_not_a_kind_of_what_it_ends_with(name: str, not_under: str) -> None:
    found = concepts.lookup(name)
    assert found is None or not_under not in concepts.ancestors(found.id), found


def test_by_code_misses() -> None:
    assert concepts.by_code("snomed", "0") is None
    assert concepts.by_code("loinc", "718-7") is None
    assert concepts.by_code("icd10", "") is None
    assert concepts.by_code("snomed", "8640") is None  # an RxNorm code is not a SNOMED code


def test_find_in_seed_sentence() -> None:
    text = "No concurrent Hypericum perforatum (St. John's wort), rifampin, bevacizumab"
    hits = concepts.find_in(text)
    ids = [c.id for _, _, c in hits]
    assert "st_johns_wort" in ids and "rifampin" in ids and "bevacizumab" in ids
    spans = {c.id: text[s:e] for s, e, c in reversed(hits)}
    assert spans["rifampin"] == "rifampin"
    assert spans["bevacizumab"] == "bevacizumab"
    assert text[hits[0][0] : hits[0][1]] == "Hypericum perforatum"


def test_find_in_prefers_longest_and_respects_word_boundaries() -> None:
    text = "Known brain metastases or major surgery; mission; unstable angina pectoris."
    found = [(text[s:e], c.id) for s, e, c in concepts.find_in(text)]
    assert ("brain metastases", "brain_metastases") in found
    assert ("major surgery", "major_surgery") in found
    assert ("unstable angina pectoris", "unstable_angina") in found
    assert all(phrase.lower() != "mi" for phrase, _ in found)


def test_find_in_respects_hyphenated_prefixes_and_short_words() -> None:
    text = "Non-small cell lung cancer, hives, non-insulin-dependent diabetes"
    found = [(text[s:e], c.id) for s, e, c in concepts.find_in(text)]
    assert found == [
        ("Non-small cell lung cancer", "non_small_cell_lung_cancer"),
        ("hives", "urticaria"),
        ("diabetes", "diabetes"),
    ]


def test_find_in_plurals_and_line_breaks() -> None:
    text = "prior anthracyclines or taxanes; brain\n   metastases; Seizure Disorders"
    found = [(text[s:e], c.id) for s, e, c in concepts.find_in(text)]
    assert found == [
        ("anthracyclines", "anthracycline"),
        ("taxanes", "taxane"),
        ("brain\n   metastases", "brain_metastases"),
        ("Seizure Disorders", "seizure_disorder"),
    ]


def test_find_in_handles_variants() -> None:
    text = "Women who are breast feeding, or with Gilbert\u2019s syndrome, or on hemodialysis"
    ids = [c.id for _, _, c in concepts.find_in(text)]
    assert ids == ["breastfeeding", "gilberts_syndrome", "hemodialysis"]


def test_every_synonym_is_found_in_itself() -> None:
    for phrase, concept_id in concepts.synonyms().items():
        hits = concepts.find_in(f"({phrase})")
        assert [(s, e, c.id) for s, e, c in hits] == [(1, len(phrase) + 1, concept_id)], phrase


@given(st.text(max_size=200))
def test_find_in_is_total(text: str) -> None:
    hits = concepts.find_in(text)
    end = 0
    for start, stop, concept in hits:
        assert end <= start < stop <= len(text)
        assert isinstance(concept, concepts.Concept)
        end = stop


@given(
    st.lists(
        st.sampled_from(sorted(concepts.synonyms()) + ["and", "no", "prior", ",", "(", "x"]),
        max_size=8,
    )
)
def test_find_in_on_phrase_soup(words: list[str]) -> None:
    text = " ".join(words)
    end = 0
    for start, stop, _ in concepts.find_in(text):
        assert end <= start < stop <= len(text)
        end = stop


@given(st.text(max_size=60))
def test_lookup_is_total(text: str) -> None:
    found = concepts.lookup(text)
    assert found is None or isinstance(found, concepts.Concept)


def _bundle_codings(resource_type: str, field: str) -> set[tuple[str, str, str]]:
    codings: set[tuple[str, str, str]] = set()
    for path in sorted(need_shared(FHIR_BUNDLES).glob("*.json")):
        bundle = json.loads(path.read_text("utf-8"))
        for entry in bundle.get("entry", []):
            resource = entry.get("resource", {})
            if resource.get("resourceType") != resource_type:
                continue
            for coding in resource.get(field, {}).get("coding", []):
                codings.add((coding.get("system", ""), coding.get("code", ""), coding["display"]))
    return codings


def _claimed(system: str) -> set[str]:
    return {code for c in concepts.all_concepts() for code in c.codes.get(system, [])}


@pytest.mark.parametrize(
    ("system", "code", "concept_id"),
    [
        ("http://snomed.info/sct", "254837009", "breast_cancer"),
        ("http://snomed.info/sct", "367336001", "chemotherapy"),
        ("http://snomed.info/sct", "108290001", "radiotherapy"),
        ("http://snomed.info/sct", "392021009", "lumpectomy"),
        ("http://snomed.info/sct", "69031006", "mastectomy"),
        ("http://snomed.info/sct", "385763009", "hospice_care"),
        ("http://snomed.info/sct", "91861009", "acute_myeloid_leukemia"),
        ("http://snomed.info/sct", "409089005", "febrile_neutropenia"),
        ("http://snomed.info/sct", "15777000", "prediabetes"),
        ("http://snomed.info/sct", "72892002", "pregnancy"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "583214", "paclitaxel"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "1734919", "cyclophosphamide"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "1732186", "epirubicin"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "198240", "tamoxifen"),
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "1601380", "palbociclib"),
    ],
)
def test_synthea_codes_map_to_concepts(system: str, code: str, concept_id: str) -> None:
    found = concepts.by_code(system, code)
    assert found is not None and found.id == concept_id


def test_synthea_condition_codes_resolve() -> None:
    codings = _bundle_codings("Condition", "code")
    claimed = _claimed("snomed")
    resolved = 0
    for system, code, display in codings:
        if code in claimed:
            found = concepts.by_code(system, code)
            assert found is not None, f"{code} {display}"
            resolved += 1
    assert resolved >= 20


def test_synthea_medication_and_procedure_codes_resolve() -> None:
    meds = _bundle_codings("MedicationRequest", "medicationCodeableConcept")
    procs = _bundle_codings("Procedure", "code")
    for system, code, display in meds | procs:
        if code in _claimed("rxnorm") | _claimed("snomed"):
            assert concepts.by_code(system, code) is not None, f"{code} {display}"


def test_synthea_cancer_drugs_are_chemotherapy_or_endocrine() -> None:
    need_shared(FHIR_BUNDLES)
    for system, code, display in _bundle_codings("MedicationRequest", "medicationCodeableConcept"):
        name = display.lower()
        if any(d in name for d in ("cyclophosphamide", "paclitaxel", "doxorubicin", "docetaxel")):
            found = concepts.by_code(system, code)
            assert found is not None and concepts.is_a(found.id, "chemotherapy"), display
        if any(d in name for d in ("letrozole", "anastrozole", "exemestane", "tamoxifen")):
            found = concepts.by_code(system, code)
            assert found is not None and concepts.is_a(found.id, "endocrine_therapy"), display


def test_record_names_that_say_less_than_the_disease_inside_them_are_not_read() -> None:
    from trialscreen.facts import concept_of

    for name in (
        "nicotine dependence, cigarettes, in remission",
        "benign carcinoid tumor of the duodenum",
        "tobacco withdrawal",
        # review 18: an in situ lesion is not the invasive cancer named inside it
        "breast carcinoma in situ",
        "melanoma in situ",
    ):
        found = concept_of(name)
        assert found is None or "current_smoker" not in concepts.ancestors(found), name
        assert found is None or "cancer" not in concepts.ancestors(found), name
    # a flutter code no longer falls back to atrial fibrillation's broad I48
    assert concepts.by_code("icd10", "I48.92") is None


@pytest.mark.parametrize(
    ("phrase", "other"),
    [
        # review 1: distinct findings that were one concept, so one matched the other
        ("hyperkalemia", "hypokalemia"),
        ("rhabdomyolysis", "muscle weakness"),
        ("splenomegaly", "hepatomegaly"),
        ("suicide attempt", "suicidal ideation"),
        ("nicotine replacement therapy", "varenicline"),
        ("injection drug use", "alcohol use disorder"),
        ("wedge resection", "lobectomy"),
        ("spinal surgery", "knee replacement"),
        ("bariatric surgery", "colectomy"),
        ("claustrophobia", "permanent pacemaker"),
        ("degenerative disc disease", "low back pain"),
        ("external beam radiotherapy", "brachytherapy"),
        ("anaplastic astrocytoma", "astrocytoma"),
        ("epilepsy", "seizure"),
        ("dementia", "mild cognitive impairment"),
        ("morbidly obese", "obesity"),
        ("wasting syndrome", "weight loss"),
        ("unexplained fever", "fever"),
        ("invasive fungal infection", "candidiasis"),
        ("metastatic disease", "lymph node metastases"),
        # the lexicon audit (2026-12-04)
        ("bradycardia", "tachycardia"),
        ("amenorrhea", "vaginal bleeding"),
        ("platelet transfusion", "red blood cell transfusion"),
        ("parenteral nutrition", "feeding tube"),
        ("visceral crisis", "visceral metastases"),
        ("bilateral oophorectomy", "oophorectomy"),
        ("decompensated cirrhosis", "cirrhosis"),
        ("torsades de pointes", "ventricular tachycardia"),
        ("brain mri", "mri"),
        ("autologous bone marrow transplant", "bone marrow transplant"),
        ("aids-defining opportunistic infection", "cytomegalovirus infection"),
        ("strong cyp3a4 inhibitors", "cyp3a4 inhibitor"),
    ],
)
def test_a_narrower_or_sibling_finding_is_not_the_one_named(phrase: str, other: str) -> None:
    """What a criterion names (`phrase`) is not found in a record naming `other`: the record's
    concept is not a kind of the criterion's."""
    named, recorded = concepts.lookup(phrase), concepts.lookup(other)
    assert named is not None and recorded is not None
    assert not concepts.is_a(recorded.id, named.id), (recorded.id, named.id)


def test_overlaps_and_descendants() -> None:
    assert concepts.overlaps("melanoma", "skin_cancer")  # cutaneous melanoma is both
    assert concepts.overlaps("cancer", "skin_cancer")  # broader
    assert not concepts.overlaps("breast_cancer", "skin_cancer")
    assert "cutaneous_melanoma" in concepts.descendants("melanoma")
    assert concepts.is_a("dementia", "cognitive_impairment")  # a criterion about impairment
    assert concepts.is_a("hyperkalemia", "electrolyte_abnormality")  # holds either kind
