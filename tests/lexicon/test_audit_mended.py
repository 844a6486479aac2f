"""Review 15's last suspects mended (docs/lexicon_audit_suspects.json: synonyms that named a
narrower, broader or related thing, and parents that do not always hold; then nine of the ten
found while mending them: site adenocarcinomas, lobectomy, valve replacement, metallic implants,
sex work, estrogen replacement therapy, sirolimus and aflibercept as targeted therapy, the
AIDS-defining forms coded in ICD-10-CM), and parents added where criteria state the kind relation
("cardiac disease (e.g., arrhythmia)", "cerebrovascular disease (e.g., stroke)") and it always
holds clinically. Each mend is pinned on the lexicon (what a phrase names, what is a kind of what)
and through the engine: the worklist's wrong decision is now unknown (a record naming the broad
concept or a sibling leaves the narrow one open) and a right decision is still made (a record
naming the narrow concept counts as the broad one). Invented wordings; the expected answers were
written before the engine ran."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "meaning"))

from suite import Case, outcome  # noqa: E402

from trialscreen.lexicon import concepts  # noqa: E402

# ---- what the phrases name ---------------------------------------------------------------------

# a narrower term is its own concept, a kind of the broader one (never the other way round)
NARROWER = [
    ("needle biopsy", "needle_biopsy", "biopsy"),
    ("core needle biopsy", "core_needle_biopsy", "needle_biopsy"),
    ("helminth infection", "helminth_infection", "parasitic_infection"),
    ("chronic renal failure", "chronic_renal_failure", "chronic_kidney_disease"),
    ("chronic renal failure", "chronic_renal_failure", "renal_failure"),
    ("end-stage renal disease", "end_stage_renal_disease", "chronic_renal_failure"),
    ("gnrh agonist", "gnrh_agonist", "gnrh_analogue"),
    ("degarelix", "degarelix", "gnrh_analogue"),
    ("thoracotomy", "thoracotomy", "thoracic_surgery"),
    ("vats", "vats", "thoracic_surgery"),
    ("brachytherapy of breast", "breast_brachytherapy", "brachytherapy"),
    ("seed implantation", "seed_implantation", "interstitial_brachytherapy"),
    ("intracavitary brachytherapy", "intracavitary_brachytherapy", "brachytherapy"),
    ("chest wall radiation", "chest_wall_radiotherapy", "chest_radiotherapy"),
    ("mantle radiation", "mantle_radiotherapy", "mediastinal_radiotherapy"),
    ("carcinoma", "carcinoma", "cancer"),
    ("renal cell carcinoma", "renal_cell_carcinoma", "carcinoma"),
    ("non-small cell lung cancer", "non_small_cell_lung_cancer", "carcinoma"),
    ("essential hypertension", "essential_hypertension", "hypertension"),
    ("stable angina", "stable_angina", "angina_pectoris"),
    ("unstable angina", "unstable_angina", "angina_pectoris"),
    ("reflux esophagitis", "reflux_esophagitis", "gerd"),
    ("impaired fasting glucose", "impaired_fasting_glucose", "prediabetes"),
    ("impaired glucose tolerance", "impaired_glucose_tolerance", "prediabetes"),
    ("generalized anxiety disorder", "generalized_anxiety_disorder", "anxiety"),
    ("smoker", "current_smoker", "tobacco_use"),
    ("nicotine dependence", "nicotine_dependence", "tobacco_use"),
    ("injection drug user", "injection_drug_use", "drug_abuse"),
    ("tubal ligation", "tubal_ligation", "surgical_sterilization"),
    ("bilateral tubal ligation", "tubal_ligation", "surgical_sterilization"),
    ("vasectomy", "vasectomy", "surgical_sterilization"),
    ("concussion", "concussion", "traumatic_brain_injury"),
    ("traumatic brain injury", "traumatic_brain_injury", "head_injury"),
    ("disseminated mac", "disseminated_mac", "mycobacterium_avium_complex"),
    ("cryptococcal meningitis", "cryptococcal_meningitis", "extrapulmonary_cryptococcosis"),
    ("cortisone", "cortisone", "steroids"),
    ("vegf inhibitor", "vegf_inhibitor", "angiogenesis_inhibitor"),
    ("neutropenic sepsis", "neutropenic_sepsis", "neutropenia"),
    ("incisional biopsy", "incisional_biopsy", "open_biopsy"),
    ("bone marrow aspirate", "bone_marrow_aspiration", "bone_marrow_examination"),
    ("bone marrow biopsy", "bone_marrow_biopsy", "bone_marrow_examination"),
    ("bone marrow aspirate and biopsy", "bone_marrow_aspirate_and_biopsy", "bone_marrow_biopsy"),
    ("cancer-related fatigue", "cancer_related_fatigue", "fatigue"),
    ("syncope", "syncope", "loss_of_consciousness"),
    ("systemic lupus erythematosus", "systemic_lupus_erythematosus", "lupus_erythematosus"),
    ("cutaneous lupus erythematosus", "cutaneous_lupus", "lupus_erythematosus"),
    ("lupus nephritis", "lupus_nephritis", "systemic_lupus_erythematosus"),
    ("lupus nephritis", "lupus_nephritis", "renal_disease"),
    ("discoid lupus erythematosus", "icd10_l93_0", "lupus_erythematosus"),
    ("systemic sclerosis", "systemic_sclerosis", "scleroderma"),
    ("morphea", "morphea", "scleroderma"),
    ("lcis", "lobular_carcinoma_in_situ", "lobular_neoplasia"),
    ("atypical lobular hyperplasia", "atypical_lobular_hyperplasia", "lobular_neoplasia"),
    ("hemolytic anemia", "hemolytic_anemia", "hemolysis"),
    ("irregular menses", "irregular_menses", "menstrual_disorder"),
    ("gallbladder disease", "gallbladder_disease", "biliary_disease"),
    ("cholecystitis", "cholecystitis", "gallbladder_disease"),
    ("lumbar pain", "low_back_pain", "back_pain"),
    ("sciatica", "sciatica", "pain"),
    ("infective endocarditis", "infective_endocarditis", "endocarditis"),
    ("bacterial endocarditis", "bacterial_endocarditis", "infective_endocarditis"),
    ("positive quantiferon", "positive_igra", "positive_tb_infection_test"),
    ("positive ppd", "positive_tuberculin_test", "positive_tb_infection_test"),
    ("hematopoietic growth factors", "hematopoietic_growth_factor", "growth_factor"),
    ("filgrastim", "filgrastim", "growth_factor"),
    ("strong cyp2d6 inhibitors", "strong_cyp2d6_inhibitor", "cyp2d6_inhibitor"),
    ("paroxetine", "paroxetine", "strong_cyp2d6_inhibitor"),
    ("sensitive cyp3a4 substrates", "sensitive_cyp3a4_substrate", "cyp3a4_substrate"),
    ("acupressure", "acupressure", "complementary_alternative_medicine"),
    ("acupuncture", "acupuncture", "complementary_alternative_medicine"),
    ("herbal supplements", "herbal_supplement", "complementary_alternative_medicine"),
    ("seasonal allergic rhinitis", "seasonal_allergic_rhinitis", "allergic_rhinitis"),
    ("hay fever", "seasonal_allergic_rhinitis", "allergic_rhinitis"),
    ("obstructive sleep apnea", "obstructive_sleep_apnea", "sleep_apnea"),
    ("definitive breast surgery", "definitive_breast_surgery", "breast_surgery"),
    ("core biopsy of the breast", "breast_core_biopsy", "core_needle_biopsy"),
    ("stereotactic breast biopsy", "stereotactic_breast_biopsy", "needle_biopsy"),
    ("screening colonoscopy", "screening_colonoscopy", "colonoscopy"),
    ("rapamycin analogs", "rapalog", "mtor_inhibitor"),
    ("everolimus", "everolimus", "rapalog"),
    ("tte", "transthoracic_echocardiogram", "echocardiogram"),
    ("radium-223", "radium_223", "radiopharmaceutical"),
    ("adoptive cell therapy", "adoptive_cell_therapy", "immunotherapy"),
    ("car t-cell therapy", "car_t_therapy", "adoptive_cell_therapy"),
    ("multiorgan failure", "multiorgan_failure", "organ_failure"),
    ("organ failure", "organ_failure", "organ_dysfunction"),
    ("ureteral obstruction", "ureteral_obstruction", "urinary_obstruction"),
    ("nephritic syndrome", "nephritic_syndrome", "renal_disease"),
    ("heavy alcohol use", "heavy_alcohol_use", "alcohol_use"),
    ("adenocarcinoma of the prostate", "prostate_adenocarcinoma", "prostate_cancer"),
    ("b symptoms", "b_symptoms", "constitutional_symptoms"),
    ("kyphoplasty", "kyphoplasty", "vertebral_augmentation"),
    ("vertebroplasty", "vertebroplasty", "vertebral_augmentation"),
    ("miscarriage", "miscarriage", "pregnancy_loss"),
    (
        "waldenstrom macroglobulinemia",
        "waldenstrom_macroglobulinemia",
        "lymphoplasmacytic_lymphoma",
    ),
    ("htlv-1", "htlv_1_infection", "htlv_infection"),
    ("levothyroxine", "levothyroxine", "thyroid_hormone"),
    ("conjugated estrogens", "conjugated_estrogens", "estrogen"),
    ("amyotrophic lateral sclerosis", "als", "motor_neuron_disease"),
    # the second pass: found while mending the list
    ("pancreatic adenocarcinoma", "pancreatic_adenocarcinoma", "pancreatic_cancer"),
    ("adenocarcinoma of the pancreas", "pancreatic_adenocarcinoma", "carcinoma"),
    ("colorectal adenocarcinoma", "colorectal_adenocarcinoma", "colorectal_cancer"),
    ("gastric adenocarcinoma", "gastric_adenocarcinoma", "gastric_cancer"),
    ("endometrial adenocarcinoma", "endometrial_adenocarcinoma", "endometrial_cancer"),
    ("endometrial adenocarcinoma", "endometrial_adenocarcinoma", "carcinoma"),
    (
        "gastroesophageal junction adenocarcinoma",
        "gastroesophageal_junction_adenocarcinoma",
        "gastroesophageal_junction_cancer",
    ),
    ("pulmonary lobectomy", "lung_lobectomy", "lobectomy"),
    ("lung lobectomy", "lung_lobectomy", "thoracic_surgery"),
    ("surgical valve replacement", "surgical_valve_replacement", "cardiac_surgery"),
    ("tavr", "transcatheter_aortic_valve_replacement", "valve_replacement"),
    ("ferromagnetic implants", "ferromagnetic_implant", "metallic_implant"),
    ("ferromagnetic implant", "ferromagnetic_implant", "mri_contraindication"),
    ("estrogen replacement therapy", "estrogen_replacement_therapy", "hormone_replacement_therapy"),
    ("zaltrap", "ziv_aflibercept", "aflibercept"),
]


@pytest.mark.parametrize(("phrase", "concept_id", "broader"), NARROWER)
def test_a_narrower_term_is_its_own_kind_of_the_broader_concept(
    phrase: str, concept_id: str, broader: str
) -> None:
    found: Any = concepts.lookup(phrase)
    assert found is not None and found.id == concept_id, found
    assert broader in concepts.ancestors(concept_id)
    assert concept_id not in concepts.ancestors(broader)


@pytest.mark.parametrize(
    ("recorded", "named"),
    [  # a record naming the first is no evidence of the second (a sibling or a broader thing)
        ("open biopsy", "needle biopsy"),
        ("malaria", "helminth infection"),
        ("chronic kidney disease", "chronic renal failure"),
        ("degarelix", "gnrh agonist"),
        ("vats", "thoracotomy"),
        ("radioactive seed implant", "brachytherapy of breast"),
        ("mediastinal radiotherapy", "chest wall radiation"),
        ("hodgkin lymphoma", "carcinoma"),
        ("sarcoma", "carcinoma"),
        ("secondary hypertension", "essential hypertension"),
        ("unstable angina", "stable angina"),
        ("gerd", "reflux esophagitis"),
        ("impaired fasting glucose", "impaired glucose tolerance"),
        ("anxiety", "anxiety disorder"),
        ("tobacco use", "smoker"),
        ("nicotine dependence", "smoker"),
        ("tubal ligation", "vasectomy"),
        ("traumatic brain injury", "concussion"),
        ("head trauma", "traumatic brain injury"),
        ("mycobacterium avium complex", "disseminated mac"),
        ("pulmonary cryptococcosis", "extrapulmonary cryptococcosis"),
        ("cortisone", "hydrocortisone"),
        ("febrile neutropenia", "neutropenic sepsis"),
        ("neutropenic sepsis", "sepsis"),
        ("bone marrow aspirate", "bone marrow biopsy"),
        ("bone marrow biopsy", "bone marrow aspirate and biopsy"),
        ("fatigue", "cancer-related fatigue"),
        ("loss of consciousness", "syncope"),
        ("cutaneous lupus", "systemic lupus erythematosus"),
        ("lupus", "systemic lupus erythematosus"),
        ("scleroderma", "systemic sclerosis"),
        ("morphea", "systemic sclerosis"),
        ("lobular neoplasia", "lcis"),
        ("atypical lobular hyperplasia", "carcinoma in situ"),
        ("hemolysis", "anemia"),
        ("amenorrhea", "irregular menses"),
        ("cholangitis", "gallbladder disease"),
        ("sciatica", "radiculopathy"),
        ("endocarditis", "infection"),
        ("positive quantiferon", "positive tuberculin skin test"),
        ("growth factors", "hematopoietic growth factors"),
        ("cyp2d6 inhibitor", "strong cyp2d6 inhibitors"),
        ("cyp3a4 substrate", "sensitive cyp3a4 substrates"),
        ("acupressure", "acupuncture"),
        ("perennial allergic rhinitis", "seasonal allergic rhinitis"),
        ("allergic rhinitis", "seasonal allergic rhinitis"),
        ("sleep apnea", "obstructive sleep apnea"),
        ("mastectomy", "definitive breast surgery"),
        ("breast biopsy", "core biopsy of the breast"),
        ("colonoscopy", "screening colonoscopy"),
        ("drainage of pleural effusion", "thoracentesis"),
        ("mtor inhibitor", "rapamycin analogs"),
        ("transesophageal echocardiogram", "transthoracic echocardiogram"),
        ("radiopharmaceutical", "radiotherapy"),
        ("cell therapy", "immunotherapy"),
        ("organ dysfunction", "multiorgan failure"),
        ("urinary obstruction", "ureteral obstruction"),
        ("glomerulonephritis", "nephritic syndrome"),
        ("heavy alcohol use", "alcohol use disorder"),
        ("prostate cancer", "adenocarcinoma of the prostate"),
        ("constitutional symptoms", "b symptoms"),
        ("vertebroplasty", "kyphoplasty"),
        ("pregnancy loss", "miscarriage"),
        ("lymphoplasmacytic lymphoma", "waldenstrom macroglobulinemia"),
        ("htlv infection", "htlv-1"),
        ("liothyronine", "levothyroxine"),
        ("estrogen", "conjugated estrogens"),
        ("motor neuron disease", "amyotrophic lateral sclerosis"),
        ("primary lateral sclerosis", "amyotrophic lateral sclerosis"),
        ("transient ischemic attack", "stroke"),
        ("cerebrovascular event", "stroke"),
        ("gerd", "bowel disease"),
        ("pancreatic cancer", "pancreatic adenocarcinoma"),
        ("pancreatic neuroendocrine tumor", "pancreatic adenocarcinoma"),
        ("colorectal cancer", "colorectal adenocarcinoma"),
        ("gastric cancer", "gastric adenocarcinoma"),
        ("endometrial cancer", "endometrial adenocarcinoma"),
        ("gastroesophageal junction cancer", "gastroesophageal junction adenocarcinoma"),
        ("lobectomy", "thoracic surgery"),
        ("lobectomy", "lung lobectomy"),
        ("valve replacement", "cardiac surgery"),
        ("tavr", "cardiac surgery"),
        ("metallic implants", "contraindication to mri"),
        ("sex worker", "high-risk sexual behavior"),
        ("hormone replacement therapy", "estrogen replacement therapy"),
        ("aflibercept", "ziv-aflibercept"),
    ],
)
def test_a_sibling_or_broader_record_is_not_the_concept_named(recorded: str, named: str) -> None:
    had: Any = concepts.lookup(recorded)
    asked: Any = concepts.lookup(named)
    assert had is not None and asked is not None
    assert asked.id not in concepts.ancestors(had.id), (had.id, asked.id)


@pytest.mark.parametrize(
    ("phrase", "not_under"),
    [  # bare terms that named something broader, or another thing, name nothing now
        ("perforation", "gastrointestinal_perforation"),
        ("leiomyoma", "uterine_fibroids"),
        ("indwelling catheter", "central_venous_catheter"),
        ("csf cytology", "lumbar_puncture"),
        ("csf examination", "lumbar_puncture"),
        ("viral vector", "gene_therapy"),
        ("vaccinia", "vaccine"),
        ("macroglobulinemia", "cancer"),
    ],
)
def test_an_ambiguous_bare_term_names_nothing(phrase: str, not_under: str) -> None:
    assert concepts.lookup(phrase) is None
    for _, _, found in concepts.find_in(phrase):  # nor does a record or criterion find it inside
        assert not_under not in concepts.ancestors(found.id), found.id


@pytest.mark.parametrize(
    ("child", "not_under"),
    [  # parents that did not always hold
        ("gnrh_agonist", "androgen_deprivation_therapy"),  # goserelin in women
        ("gnrh_agonist", "ovarian_function_suppression"),  # leuprolide in men
        ("toxoplasmosis", "aids_defining_illness"),  # only toxoplasmosis of the brain is
        ("icd10_b58_01", "aids_defining_illness"),  # toxoplasma chorioretinitis
        ("mycobacterium_avium_complex", "aids_defining_illness"),  # pulmonary MAC
        ("cryptococcosis", "aids_defining_illness"),  # pulmonary cryptococcosis
        ("pentamidine", "antibiotic"),
        ("pyrimethamine", "antibiotic"),
        ("hashimotos_thyroiditis", "hypothyroidism"),  # may be euthyroid
        ("connective_tissue_disease", "autoimmune_disease"),  # Marfan, Ehlers-Danlos
        ("varices", "liver_disease"),  # leg varices
        ("esophageal_varices", "liver_disease"),  # portal vein thrombosis, downhill varices
        ("amenorrhea", "irregular_menses"),
        ("endocarditis", "infection"),  # marantic, Libman-Sacks
        ("calcium_supplement", "calcium_vitamin_d"),  # calcium alone is not both
        ("vitamin_d_supplement", "calcium_vitamin_d"),
        ("implantable_defibrillator", "mri_contraindication"),  # MR-conditional devices
        ("cardiac_pacemaker", "mri_contraindication"),
        ("cell_therapy", "immunotherapy"),  # mesenchymal stromal cells
        ("metastatic_disease", "stage_iv_disease"),  # thyroid cancer under 55 is stage II
        ("stroke", "transient_ischemic_attack"),
        ("transient_ischemic_attack", "stroke"),  # a TIA is no stroke
        ("lobectomy", "thoracic_surgery"),  # thyroid, liver lobectomy
        ("lobectomy", "lung_resection"),
        ("valve_replacement", "cardiac_surgery"),  # transcatheter
        ("transcatheter_aortic_valve_replacement", "cardiac_surgery"),
        ("metallic_implant", "mri_contraindication"),  # titanium is MR-safe
        ("sex_work", "hiv_risk_behavior"),  # an occupation, not a behaviour
        ("sirolimus", "targeted_therapy"),  # after a transplant
        ("mtor_inhibitor", "targeted_therapy"),
        ("aflibercept", "targeted_therapy"),  # intravitreal, for macular degeneration
        ("vegf_inhibitor", "targeted_therapy"),
        # left out on purpose: clinicians disagree, or another meaning (oncology endocrine therapy)
        ("hormone_replacement_therapy", "endocrine_therapy"),
        ("oral_contraceptive", "endocrine_therapy"),
        ("influenza", "vaccine"),
        ("hypertension", "cardiovascular_disease"),
        ("chemotherapy", "anticancer_therapy"),
    ],
)
def test_a_parent_that_does_not_always_hold_is_gone(child: str, not_under: str) -> None:
    assert not_under not in concepts.ancestors(child)


@pytest.mark.parametrize(
    ("child", "parent"),
    [  # what criteria write as "X (e.g., Y)" and always holds
        ("cardiac_arrhythmia", "cardiac_disease"),
        ("atrial_fibrillation", "cardiac_disease"),
        ("stroke", "cerebrovascular_disease"),
        ("hemorrhagic_stroke", "cerebrovascular_disease"),
        ("stroke", "neurologic_disorder"),  # every stroke is a neurological disorder (ICD-11 ch. 8)
        ("transient_ischemic_attack", "cerebrovascular_event"),
        ("stroke", "cerebrovascular_event"),
        ("seizure_disorder", "neurologic_disorder"),
        ("schizophrenia", "psychosis"),
        ("schizoaffective_disorder", "psychosis"),
        ("psychosis", "axis_i_disorder"),
        ("major_depression", "axis_i_disorder"),
        ("bipolar_disorder", "axis_i_disorder"),
        ("generalized_anxiety_disorder", "axis_i_disorder"),
        ("alcohol_abuse", "axis_i_disorder"),
        ("psoriasis", "skin_disorder"),
        ("atopic_dermatitis", "skin_disorder"),
        ("morphea", "skin_disorder"),
        ("inflammatory_bowel_disease", "bowel_disease"),
        ("crohns_disease", "intestinal_disease"),
        ("celiac_disease", "intestinal_disease"),
        ("gerd", "bowel_disease"),
        ("peptic_ulcer_disease", "bowel_disease"),
        ("hepatitis_b", "viral_infection"),
        ("hepatitis_c", "viral_infection"),
        ("hepatitis_b_carrier", "viral_infection"),
        ("hiv_infection", "viral_infection"),
        ("covid_19", "viral_infection"),
        ("tuberculosis", "bacterial_infection"),
        ("syphilis", "bacterial_infection"),
        ("pneumocystis_pneumonia", "fungal_infection"),
        ("toxoplasmosis", "parasitic_infection"),
        ("interferon", "immunomodulatory_drug"),
        ("interferon_alfa", "immunomodulatory_drug"),
        ("rheumatoid_arthritis", "connective_tissue_disease"),
        ("rheumatoid_arthritis", "autoimmune_disease"),
        ("rheumatoid_arthritis", "arthritis"),
        ("systemic_lupus_erythematosus", "autoimmune_connective_tissue_disease"),
        ("systemic_sclerosis", "autoimmune_connective_tissue_disease"),
        ("sjogrens_syndrome", "autoimmune_connective_tissue_disease"),
        ("dermatomyositis", "autoimmune_connective_tissue_disease"),
        ("mixed_connective_tissue_disease", "autoimmune_disease"),
        ("immune_thrombocytopenia", "autoimmune_disease"),
        ("craniotomy", "major_surgery"),
        ("brain_metastasis_resection", "major_surgery"),
        ("thoracotomy", "major_surgery"),
        ("pneumonectomy", "major_surgery"),
        ("esophagectomy", "major_surgery"),
        ("pancreaticoduodenectomy", "major_surgery"),
        ("cabg", "major_surgery"),
        ("radical_prostatectomy", "major_surgery"),
        ("cerebral_toxoplasmosis", "aids_defining_opportunistic_infection"),
        ("disseminated_mac", "aids_defining_opportunistic_infection"),
        ("cryptococcal_meningitis", "aids_defining_opportunistic_infection"),
        ("cryptococcal_meningitis", "meningitis"),
        ("concussion", "head_injury"),
        # kept where they always hold: the class of the drug, the anticancer drugs as targeted
        ("sirolimus", "mtor_inhibitor"),
        ("sirolimus", "immunosuppressant"),
        ("aflibercept", "vegf_inhibitor"),
        ("ziv_aflibercept", "targeted_therapy"),
        ("temsirolimus", "targeted_therapy"),
        ("everolimus", "targeted_therapy"),
        ("ramucirumab", "targeted_therapy"),
        ("bevacizumab", "targeted_therapy"),
        ("axitinib", "targeted_therapy"),
        ("leuprolide", "gnrh_agonist"),
        ("androgen_deprivation_therapy", "endocrine_therapy"),
        # the AIDS-defining forms ICD-10-CM codes (built by bench/icd10_concepts.py)
        ("icd10_b58_2", "cerebral_toxoplasmosis"),  # Toxoplasma meningoencephalitis
        ("icd10_b45_1", "extrapulmonary_cryptococcosis"),  # cerebral
        ("icd10_b45_1_k2", "aids_defining_illness"),  # cryptococcosis meningocerebralis
        ("icd10_b45_2", "aids_defining_illness"),  # cutaneous
        ("icd10_b45_3", "aids_defining_illness"),  # osseous
        ("icd10_b45_7", "aids_defining_opportunistic_infection"),  # disseminated
        ("icd10_b45_7_k1", "aids_defining_illness"),  # generalized
    ],
)
def test_a_kind_the_criteria_state_is_filed_under_its_class(child: str, parent: str) -> None:
    assert parent in concepts.ancestors(child)


@pytest.mark.parametrize(
    ("system", "code", "concept_id"),
    [  # codes that are the narrow concept's own (a coded record is the most specific concept)
        ("icd10", "I10", "essential_hypertension"),
        ("icd10", "K21.00", "reflux_esophagitis"),
        ("icd10", "R73.01", "impaired_fasting_glucose"),
        ("icd10", "R73.02", "impaired_glucose_tolerance"),
        ("icd10", "R73.03", "prediabetes"),
        ("icd10", "Z72.0", "tobacco_use"),
        ("icd10", "S06.0X0A", "concussion"),
        ("icd10", "A31.2", "disseminated_mac"),
        ("icd10", "A31", "nontuberculous_mycobacterial_infection"),
        ("icd10", "M34", "systemic_sclerosis"),
        ("icd10", "M54.50", "icd10_m54_50"),  # low back pain, unspecified: under low back pain
        ("icd10", "M54.5", "low_back_pain"),
        ("icd10", "M54.30", "sciatica"),
        ("icd10", "I33.0", "infective_endocarditis"),
        ("icd10", "J30.2", "seasonal_allergic_rhinitis"),
        ("icd10", "G47.33", "obstructive_sleep_apnea"),
        ("icd10", "C88.0", "waldenstrom_macroglobulinemia"),
        ("icd10", "G12.21", "als"),
        ("icd10", "L93.0", "icd10_l93_0"),
        ("snomed", "447759004", "breast_brachytherapy"),
        ("snomed", "113120007", "interstitial_brachytherapy"),
        ("rxnorm", "10582", "levothyroxine"),
    ],
)
def test_a_code_names_the_narrow_concept(system: str, code: str, concept_id: str) -> None:
    found = concepts.by_code(system, code)
    assert found is not None and found.id == concept_id, found


def test_grown_codes_follow_the_narrowed_codes() -> None:
    other_glucose = concepts.by_code("icd10", "R73.09")  # "other abnormal glucose"
    assert other_glucose is not None and "prediabetes" not in concepts.ancestors(other_glucose.id)
    assert "low_back_pain" in concepts.ancestors("icd10_m54_50")  # M54.5 is low back pain
    assert "lupus_erythematosus" in concepts.ancestors("icd10_l93_1")  # L93 is lupus (cutaneous)
    assert "systemic_lupus_erythematosus" not in concepts.ancestors("icd10_l93_1")
    for code in ("B45.0", "B45.8", "B45.9", "B58.01", "B58.1", "B58.3", "B58.9"):
        found = concepts.by_code("icd10", code)  # pulmonary, other, unspecified, ocular, ...
        assert found is not None and "aids_defining_illness" not in concepts.ancestors(found.id)


# ---- decisions through the engine --------------------------------------------------------------

EXC, INC = "exclusion", "inclusion"
D = "2026-10-20"  # 12 days before the suite's as-of date


def cond(name: str, **more: str) -> dict[str, Any]:
    return {"conditions": [{"name": name, "status": "active", **more}]}


def drug(name: str) -> dict[str, Any]:
    return {"treatments": [{"name": name, "category": "drug", "status": "active"}]}


def ongoing(name: str, category: str = "procedure") -> dict[str, Any]:
    return {"treatments": [{"name": name, "category": category, "status": "active"}]}


def done(name: str, category: str = "procedure") -> dict[str, Any]:
    return {"treatments": [{"name": name, "category": category, "status": "completed", "date": D}]}


DECISIONS = [  # (kind, criterion, record, outcome): the worklist's wrong decision, now unknown,
    # and a decision still made
    # biopsy: needle biopsy
    (INC, "Prior needle biopsy", done("open biopsy"), "unknown"),
    (INC, "Prior needle biopsy", done("core needle biopsy"), "pass"),
    # parasitic_infection: helminth infection
    (EXC, "Known helminth infection", cond("malaria"), "unknown"),
    (EXC, "Known helminth infection", cond("helminthiasis"), "fail"),
    (EXC, "Parasitic infection", cond("helminth infection"), "fail"),
    # chronic_kidney_disease: chronic renal failure
    (EXC, "Chronic renal failure", cond("chronic kidney disease"), "unknown"),
    (EXC, "Chronic renal failure", cond("end-stage renal disease"), "fail"),
    (EXC, "Renal failure", cond("chronic renal failure"), "fail"),
    (EXC, "Chronic kidney disease", cond("chronic renal failure"), "fail"),
    # gnrh_agonist: parent androgen_deprivation_therapy
    (EXC, "Prior androgen deprivation therapy", drug("goserelin"), "unknown"),
    (EXC, "Prior GnRH agonist", drug("goserelin"), "fail"),
    # gnrh_agonist: parent ovarian_function_suppression
    (INC, "Receiving ovarian function suppression", drug("leuprolide"), "unknown"),
    # gnrh_agonist: gnrh analogue | lhrh analogue | lhrh analog | gnrh analog
    (INC, "LHRH analogue", drug("degarelix"), "pass"),
    (INC, "LHRH agonist", drug("degarelix"), "unknown"),
    (EXC, "Prior LHRH analogue", drug("leuprolide"), "fail"),
    # thoracic_surgery: thoracotomy | video-assisted thoracoscopic surgery | vats
    (EXC, "Thoracotomy within 28 days", done("VATS lobectomy", "surgery"), "unknown"),
    (EXC, "Thoracotomy within 28 days", done("thoracotomy", "surgery"), "fail"),
    (
        EXC,
        "Thoracic surgery within 28 days",
        done("video-assisted thoracoscopic surgery", "surgery"),
        "fail",
    ),
    # brachytherapy: brachytherapy of breast | interstitial brachytherapy | intracavitary brachy...
    (
        EXC,
        "Prior brachytherapy of breast",
        done("radioactive seed implant", "radiotherapy"),
        "unknown",
    ),
    (EXC, "Prior brachytherapy", done("radioactive seed implant", "radiotherapy"), "fail"),
    (
        INC,
        "Prior intracavitary brachytherapy",
        done("interstitial brachytherapy", "radiotherapy"),
        "unknown",
    ),
    # chest_radiotherapy: chest wall radiation
    (
        EXC,
        "Prior chest wall radiation",
        done("mediastinal radiotherapy", "radiotherapy"),
        "unknown",
    ),
    (EXC, "Prior chest wall radiation", done("chest wall radiotherapy", "radiotherapy"), "fail"),
    (EXC, "Prior chest radiotherapy", done("chest wall radiation", "radiotherapy"), "fail"),
    # mediastinal_radiotherapy: mantle radiation
    (INC, "Prior mantle radiation", done("mediastinal radiotherapy", "radiotherapy"), "unknown"),
    (EXC, "Prior mediastinal radiotherapy", done("mantle radiation", "radiotherapy"), "fail"),
    # cancer: carcinoma
    (EXC, "Prior carcinoma", cond("Hodgkin lymphoma"), "unknown"),
    (EXC, "Prior carcinoma", cond("sarcoma"), "unknown"),
    (EXC, "Prior carcinoma", cond("renal cell carcinoma"), "fail"),
    (EXC, "Malignancy", cond("carcinoma"), "fail"),
    # hypertension: essential hypertension
    (INC, "Essential hypertension", cond("hypertension"), "unknown"),
    (INC, "Essential hypertension", cond("secondary hypertension"), "unknown"),
    (INC, "Essential hypertension", cond("essential hypertension"), "pass"),
    (INC, "Essential hypertension", cond("HTN", code="I10", system="icd10"), "pass"),
    (EXC, "Hypertension", cond("essential hypertension"), "fail"),
    # angina_pectoris: stable angina
    (INC, "Stable angina", cond("angina"), "unknown"),
    (INC, "Stable angina", cond("unstable angina"), "unknown"),
    (EXC, "Angina", cond("unstable angina"), "fail"),
    # gerd: reflux esophagitis
    (EXC, "Reflux esophagitis", cond("GERD"), "unknown"),
    (EXC, "GERD", cond("reflux esophagitis"), "fail"),
    # prediabetes: impaired fasting glucose | impaired glucose tolerance
    (INC, "Impaired glucose tolerance", cond("impaired fasting glucose"), "unknown"),
    (INC, "Prediabetes", cond("impaired glucose tolerance"), "pass"),
    (INC, "Prediabetes", cond("x", code="R73.03", system="icd10"), "pass"),
    (INC, "Prediabetes", cond("x", code="R73.09", system="icd10"), "unknown"),
    # anxiety_disorder: anxiety
    (EXC, "Anxiety disorder", cond("anxiety"), "unknown"),
    (EXC, "Psychiatric illness", cond("anxiety"), "unknown"),
    (EXC, "Anxiety", cond("generalized anxiety disorder"), "fail"),
    # current_smoker: tobacco use | nicotine dependence
    (INC, "Current smoker", cond("tobacco use"), "unknown"),
    (INC, "Current smoker", cond("nicotine dependence"), "unknown"),
    (EXC, "Tobacco use", cond("smoker"), "fail"),
    (EXC, "Tobacco use", cond("nicotine dependence"), "fail"),
    # hiv_risk_behavior: men who have sex with men | msm
    (EXC, "High-risk sexual behavior", cond("MSM"), "unknown"),
    # hiv_risk_behavior: injection drug user | injecting drug user
    (EXC, "Injection drug use", cond("injection drug user"), "fail"),
    # surgical_sterilization: tubal ligation | bilateral tubal ligation | vasectomy
    (INC, "Prior bilateral tubal ligation", done("vasectomy", "surgery"), "unknown"),
    (INC, "Prior surgical sterilization", done("vasectomy", "surgery"), "pass"),
    (INC, "Prior vasectomy", done("tubal ligation", "surgery"), "unknown"),
    (INC, "Prior bilateral tubal ligation", done("tubal ligation", "surgery"), "pass"),
    # traumatic_brain_injury: concussion
    (INC, "History of concussion", cond("traumatic brain injury"), "unknown"),
    (EXC, "Traumatic brain injury", cond("concussion"), "fail"),
    # traumatic_brain_injury: head injury | head trauma
    (EXC, "Traumatic brain injury", cond("head trauma"), "unknown"),
    (EXC, "Head injury", cond("traumatic brain injury"), "fail"),
    # toxoplasmosis: parent aids_defining_opportunistic_infection
    (EXC, "History of AIDS-defining illness", cond("toxoplasmosis"), "unknown"),
    (EXC, "History of AIDS-defining illness", cond("toxoplasma chorioretinitis"), "unknown"),
    (EXC, "History of AIDS-defining illness", cond("cerebral toxoplasmosis"), "fail"),
    # mycobacterium_avium_complex: disseminated mac
    (EXC, "AIDS-defining illness", cond("Mycobacterium avium complex"), "unknown"),
    (EXC, "AIDS-defining illness", cond("disseminated MAC"), "fail"),
    # cryptococcosis: parent aids_defining_opportunistic_infection
    (EXC, "AIDS-defining illness", cond("pulmonary cryptococcosis"), "unknown"),
    (EXC, "AIDS-defining illness", cond("cryptococcal meningitis"), "fail"),
    # pentamidine: parent antibiotic
    (EXC, "Antibiotics within 14 days", drug("pentamidine"), "unknown"),
    (EXC, "Antibiotics within 14 days", drug("amoxicillin"), "fail"),
    # pyrimethamine: parent antibiotic
    (EXC, "Antibiotics within 14 days", drug("pyrimethamine"), "unknown"),
    # hydrocortisone: cortisone
    (INC, "Hydrocortisone", drug("cortisone acetate"), "unknown"),
    (EXC, "Corticosteroids", drug("cortisone"), "fail"),
    # vegf_inhibitor: anti-angiogenic therapy | antiangiogenic therapy | angiogenesis inhibitors
    (EXC, "Prior anti-angiogenic therapy", drug("bevacizumab"), "fail"),
    (EXC, "Prior VEGF inhibitor", drug("angiogenesis inhibitor"), "unknown"),
    # hematopoietic_growth_factor: growth factors
    (EXC, "Hematopoietic growth factors", drug("growth factors"), "unknown"),
    (EXC, "Hematopoietic growth factors", drug("filgrastim"), "fail"),
    (EXC, "Growth factors within 7 days", drug("filgrastim"), "fail"),
    # febrile_neutropenia: neutropenic sepsis
    (EXC, "Neutropenic sepsis", cond("febrile neutropenia"), "unknown"),
    (EXC, "Neutropenia", cond("neutropenic sepsis"), "fail"),
    # open_biopsy: incisional biopsy
    (INC, "Prior incisional biopsy", done("surgical biopsy", "biopsy"), "unknown"),
    (EXC, "Prior open biopsy", done("incisional biopsy", "biopsy"), "fail"),
    # bone_marrow_biopsy: bone marrow aspirate | bone marrow aspiration
    (INC, "Bone marrow biopsy within 28 days", done("bone marrow aspirate", "biopsy"), "unknown"),
    (INC, "Bone marrow biopsy within 28 days", done("bone marrow biopsy", "biopsy"), "pass"),
    (
        INC,
        "Bone marrow aspirate and biopsy within 28 days",
        done("bone marrow aspirate", "biopsy"),
        "unknown",
    ),
    (
        INC,
        "Bone marrow aspirate and biopsy within 28 days",
        done("bone marrow aspirate and biopsy", "biopsy"),
        "pass",
    ),
    # central_venous_catheter: indwelling catheter
    (INC, "Central venous catheter", ongoing("indwelling catheter"), "unknown"),
    (INC, "Central venous catheter", ongoing("port-a-cath"), "pass"),
    # fatigue: cancer-related fatigue
    (INC, "Cancer-related fatigue", cond("fatigue"), "unknown"),
    (EXC, "Fatigue", cond("cancer-related fatigue"), "fail"),
    # syncope: loss of consciousness
    (EXC, "History of syncope", cond("loss of consciousness"), "unknown"),
    (EXC, "Loss of consciousness", cond("syncope"), "fail"),
    # hashimotos_thyroiditis: parent hypothyroidism
    (EXC, "Hypothyroidism", cond("Hashimoto's thyroiditis"), "unknown"),
    (EXC, "Autoimmune disease", cond("Hashimoto's thyroiditis"), "fail"),
    # systemic_lupus_erythematosus: lupus erythematosus
    (EXC, "Systemic lupus erythematosus", cond("cutaneous lupus erythematosus"), "unknown"),
    (EXC, "Systemic lupus erythematosus", cond("lupus"), "unknown"),
    (EXC, "Lupus", cond("systemic lupus erythematosus"), "fail"),
    (EXC, "Lupus erythematosus", cond("discoid lupus erythematosus"), "fail"),
    (EXC, "Lupus nephritis", cond("cutaneous lupus erythematosus"), "unknown"),
    (EXC, "Lupus nephritis", cond("systemic lupus erythematosus"), "unknown"),
    (EXC, "Lupus nephritis", cond("lupus nephritis"), "fail"),
    (EXC, "Renal disease", cond("lupus nephritis"), "fail"),
    # connective_tissue_disease: parent autoimmune_disease
    (EXC, "Active autoimmune disease", cond("connective tissue disorder"), "unknown"),
    (EXC, "Connective tissue disease", cond("rheumatoid arthritis"), "fail"),
    (EXC, "Collagen vascular disease", cond("systemic sclerosis"), "fail"),
    (EXC, "Autoimmune disease", cond("systemic lupus erythematosus"), "fail"),
    (EXC, "Autoimmune disease", cond("Marfan syndrome"), "unknown"),
    # systemic_sclerosis: scleroderma
    (EXC, "Systemic sclerosis", cond("scleroderma"), "unknown"),
    (EXC, "Systemic sclerosis", cond("morphea"), "unknown"),
    (EXC, "Scleroderma", cond("systemic sclerosis"), "fail"),
    # lobular_carcinoma_in_situ: lobular neoplasia
    (EXC, "History of LCIS", cond("lobular neoplasia"), "unknown"),
    (EXC, "History of LCIS", cond("atypical lobular hyperplasia"), "unknown"),
    (EXC, "Lobular neoplasia", cond("LCIS"), "fail"),
    # hemolytic_anemia: hemolysis
    (INC, "Hemolytic anemia", cond("hemolysis"), "unknown"),
    (EXC, "Anemia", cond("hemolysis"), "unknown"),
    (EXC, "Hemolysis", cond("hemolytic anemia"), "fail"),
    # varices: parent liver_disease (and bare varices)
    (EXC, "Liver disease", cond("varices"), "unknown"),
    (EXC, "Varices", cond("esophageal varices"), "fail"),
    # amenorrhea: parent menstrual_disorder
    (INC, "Irregular menses", cond("amenorrhea"), "unknown"),
    (EXC, "Menstrual disorder", cond("amenorrhea"), "fail"),
    # biliary_disease: gallbladder disease
    (EXC, "Gallbladder disease", cond("cholangitis"), "unknown"),
    (EXC, "Gallbladder disease", cond("cholecystitis"), "fail"),
    (EXC, "Biliary disease", cond("gallstones"), "fail"),
    # back_pain: lumbar pain
    (INC, "Lumbar pain", cond("thoracic back pain"), "unknown"),
    (EXC, "Back pain", cond("lumbar pain"), "fail"),
    # radiculopathy: sciatica
    (INC, "Sciatica", cond("cervical radiculopathy"), "unknown"),
    (EXC, "Radiculopathy", cond("sciatica"), "unknown"),
    # endocarditis: bacterial endocarditis
    (INC, "Bacterial endocarditis", cond("Candida endocarditis"), "unknown"),
    (EXC, "Active infection", cond("endocarditis"), "unknown"),
    (EXC, "Active infection", cond("infective endocarditis"), "fail"),
    (EXC, "Endocarditis", cond("bacterial endocarditis"), "fail"),
    # positive_tuberculin_test: positive quantiferon
    (INC, "Positive tuberculin skin test", cond("positive QuantiFERON"), "unknown"),
    # cyp2d6_inhibitor: strong cyp2d6 inhibitors
    (EXC, "Strong CYP2D6 inhibitors", drug("CYP2D6 inhibitor"), "unknown"),
    (EXC, "Strong CYP2D6 inhibitors", drug("paroxetine"), "fail"),
    # cyp3a4_substrate: sensitive cyp3a4 substrates
    (EXC, "Sensitive CYP3A4 substrates", drug("CYP3A4 substrate"), "unknown"),
    # calcium_supplement: parent calcium_vitamin_d
    (INC, "Calcium and vitamin D supplements", drug("calcium carbonate"), "unknown"),
    # implantable_defibrillator: parent mri_contraindication
    (EXC, "Contraindication to MRI", ongoing("pacemaker"), "unknown"),
    (EXC, "Contraindication to MRI", ongoing("implantable cardioverter defibrillator"), "unknown"),
    (EXC, "Contraindication to MRI", cond("claustrophobia"), "fail"),
    # acupuncture: acupressure
    (EXC, "Acupuncture within 30 days", ongoing("acupressure", "other"), "unknown"),
    (EXC, "Acupuncture within 30 days", ongoing("acupuncture", "other"), "fail"),
    # uterine_fibroids: leiomyoma
    (EXC, "Uterine fibroids", cond("esophageal leiomyoma"), "unknown"),
    # allergic_rhinitis: seasonal allergic rhinitis | hay fever | seasonal allergies
    (INC, "Seasonal allergic rhinitis", cond("allergic rhinitis"), "unknown"),
    (EXC, "Allergic rhinitis", cond("hay fever"), "fail"),
    # sleep_apnea: obstructive sleep apnea
    (INC, "Obstructive sleep apnea", cond("sleep apnea"), "unknown"),
    (EXC, "Sleep apnea", cond("obstructive sleep apnea"), "fail"),
    # breast_surgery: definitive breast surgery | breast cancer surgery | primary breast surgery
    (
        INC,
        "Prior definitive breast surgery",
        done("excision of breast tissue", "surgery"),
        "unknown",
    ),
    (INC, "Prior definitive breast surgery", done("breast surgery", "surgery"), "unknown"),
    (EXC, "Prior breast surgery", done("breast cancer surgery", "surgery"), "fail"),
    # breast_biopsy: core biopsy of the breast | stereotactic breast biopsy
    (INC, "Prior core biopsy of the breast", done("breast biopsy", "biopsy"), "unknown"),
    (INC, "Prior breast biopsy", done("core biopsy of the breast", "biopsy"), "pass"),
    # colonoscopy: screening colonoscopy
    (INC, "Screening colonoscopy within 10 years", done("colonoscopy"), "unknown"),
    # thoracentesis: drainage of pleural effusion
    (INC, "Prior thoracentesis", done("drainage of pleural effusion"), "unknown"),
    # mtor_inhibitor: rapamycin analogs
    (INC, "Prior rapamycin analogs", drug("mTOR inhibitor"), "unknown"),
    (INC, "Prior rapamycin analogs", drug("everolimus"), "pass"),
    # echocardiogram: transthoracic echocardiogram | tte
    (INC, "Prior transthoracic echocardiogram", done("transesophageal echocardiogram"), "unknown"),
    (INC, "Prior echocardiogram", done("TTE"), "pass"),
    # herbal_supplement: complementary and alternative medicine | alternative medicines
    (EXC, "Use of complementary and alternative medicine", ongoing("acupuncture", "other"), "fail"),
    (EXC, "Use of complementary and alternative medicine", drug("herbal supplement"), "fail"),
    # radiopharmaceutical_therapy: radiopharmaceuticals | radiopharmaceutical
    (EXC, "Prior radiopharmaceutical therapy", drug("radiopharmaceutical"), "unknown"),
    (EXC, "Prior radiopharmaceuticals", drug("radium-223"), "fail"),
    # cell_therapy: parent immunotherapy
    (EXC, "Prior immunotherapy", ongoing("cell therapy", "other"), "unknown"),
    (EXC, "Prior immunotherapy", ongoing("donor lymphocyte infusion", "other"), "fail"),
    # organ_dysfunction: organ failure | multiorgan failure
    (EXC, "Multiorgan failure", cond("organ dysfunction"), "unknown"),
    (EXC, "Organ dysfunction", cond("multiorgan failure"), "fail"),
    # gastrointestinal_perforation: perforation
    (EXC, "GI perforation", cond("perforation"), "unknown"),
    # urinary_obstruction: ureteral obstruction
    (INC, "Ureteral obstruction", cond("urinary obstruction"), "unknown"),
    (EXC, "Urinary obstruction", cond("ureteral obstruction"), "fail"),
    # glomerulonephritis: nephritic syndrome
    (INC, "Nephritic syndrome", cond("glomerulonephritis"), "unknown"),
    (EXC, "Renal disease", cond("nephritic syndrome"), "fail"),
    # alcohol_abuse: excessive alcohol use | excessive alcohol consumption | heavy alcohol use
    (EXC, "Alcohol use disorder", cond("heavy alcohol use"), "unknown"),
    (EXC, "Alcohol use disorder", cond("alcoholism"), "fail"),
    # prostate_cancer: prostatic adenocarcinoma | adenocarcinoma of the prostate
    (INC, "Adenocarcinoma of the prostate", cond("prostate cancer"), "unknown"),
    (INC, "Adenocarcinoma of the prostate", cond("prostatic adenocarcinoma"), "pass"),
    (INC, "Prostate cancer", cond("prostatic adenocarcinoma"), "pass"),
    # b_symptoms: constitutional symptoms
    (INC, "B symptoms", cond("constitutional symptoms"), "unknown"),
    (EXC, "Constitutional symptoms", cond("B symptoms"), "fail"),
    # vertebroplasty: kyphoplasty
    (INC, "Prior kyphoplasty", done("vertebroplasty", "surgery"), "unknown"),
    (INC, "Prior vertebral augmentation", done("kyphoplasty", "surgery"), "pass"),
    # miscarriage: pregnancy loss
    (INC, "History of miscarriage", cond("pregnancy loss"), "unknown"),
    (EXC, "Pregnancy loss", cond("miscarriage"), "fail"),
    # gene_therapy: viral vector
    (EXC, "Prior gene therapy", ongoing("viral vector", "other"), "unknown"),
    # smallpox_vaccine: vaccinia
    (EXC, "Smallpox vaccine", cond("vaccinia"), "unknown"),
    # waldenstrom_macroglobulinemia: macroglobulinemia
    (INC, "Waldenstrom macroglobulinemia", cond("macroglobulinemia"), "unknown"),
    (EXC, "Lymphoma", cond("Waldenström macroglobulinemia"), "fail"),
    # htlv_infection: htlv-1 | htlv-i
    (INC, "HTLV-1 positive", cond("HTLV infection"), "unknown"),
    (EXC, "HTLV infection", cond("HTLV-1"), "fail"),
    # thyroid_hormone: levothyroxine | synthroid | thyroxine
    (INC, "Levothyroxine", drug("thyroid hormone"), "unknown"),
    (INC, "Levothyroxine", drug("liothyronine"), "unknown"),
    (EXC, "Thyroid hormone", drug("levothyroxine"), "fail"),
    # estrogen: conjugated estrogens | premarin
    (INC, "Conjugated estrogens", drug("estrogen"), "unknown"),
    (EXC, "Estrogen", drug("premarin"), "fail"),
    # metastatic_disease: parent stage_iv_disease
    (EXC, "Stage IV disease", cond("metastatic disease"), "unknown"),
    (EXC, "Metastatic disease", cond("liver metastases"), "fail"),
    # als: motor neuron disease
    (INC, "Amyotrophic lateral sclerosis", cond("motor neuron disease"), "unknown"),
    (EXC, "Motor neuron disease", cond("amyotrophic lateral sclerosis"), "fail"),
    # pancreatic_cancer: pancreatic adenocarcinoma | adenocarcinoma of the pancreas
    (
        INC,
        "Histologically confirmed pancreatic adenocarcinoma",
        cond("pancreatic cancer"),
        "unknown",
    ),
    (
        INC,
        "Histologically confirmed pancreatic adenocarcinoma",
        cond("adenocarcinoma of the pancreas"),
        "pass",
    ),
    (INC, "Pancreatic cancer", cond("pancreatic adenocarcinoma"), "pass"),
    (EXC, "Prior carcinoma", cond("pancreatic adenocarcinoma"), "fail"),
    # colorectal | gastric | endometrial | gastroesophageal junction adenocarcinoma
    (INC, "Gastric adenocarcinoma", cond("gastric cancer"), "unknown"),
    (INC, "Gastric cancer", cond("gastric adenocarcinoma"), "pass"),
    (INC, "Colorectal adenocarcinoma", cond("colon cancer"), "unknown"),
    (INC, "Colorectal cancer", cond("colorectal adenocarcinoma"), "pass"),
    (INC, "Endometrial adenocarcinoma", cond("endometrial cancer"), "unknown"),
    (INC, "Endometrial cancer", cond("endometrial adenocarcinoma"), "pass"),
    (
        INC,
        "Gastroesophageal junction adenocarcinoma",
        cond("gastroesophageal junction cancer"),
        "unknown",
    ),
    (
        INC,
        "Gastroesophageal junction adenocarcinoma",
        cond("adenocarcinoma of the gastroesophageal junction"),
        "pass",
    ),
    # lobectomy: parent lung_resection (thyroid and liver lobectomy)
    (EXC, "Prior thoracic surgery", done("lobectomy", "surgery"), "unknown"),
    (EXC, "Prior thoracic surgery", done("thyroid lobectomy", "surgery"), "unknown"),
    (EXC, "Prior lung resection", done("lobectomy", "surgery"), "unknown"),
    (EXC, "Prior thoracic surgery", done("pulmonary lobectomy", "surgery"), "fail"),
    (EXC, "Prior lobectomy", done("lung lobectomy", "surgery"), "fail"),
    # valve_replacement: parent cardiac_surgery (transcatheter)
    (EXC, "Cardiac surgery within 6 months", done("valve replacement", "surgery"), "unknown"),
    (EXC, "Cardiac surgery within 6 months", done("TAVR"), "unknown"),
    (
        EXC,
        "Cardiac surgery within 6 months",
        done("surgical valve replacement", "surgery"),
        "fail",
    ),
    (INC, "Prior valve replacement", done("TAVR"), "pass"),
    # metallic_implant: metallic implants | parent mri_contraindication
    (EXC, "Contraindication to MRI", ongoing("metallic implants"), "unknown"),
    (EXC, "Contraindication to MRI", ongoing("ferromagnetic implants"), "fail"),
    (EXC, "Metallic implants", ongoing("ferromagnetic implant"), "fail"),
    # hiv_risk_behavior: sex worker | commercial sex work
    (EXC, "High-risk sexual behavior", cond("sex worker"), "unknown"),
    (EXC, "Commercial sex work", cond("sex worker"), "fail"),
    # hormone_replacement_therapy: estrogen replacement therapy
    (INC, "Prior estrogen replacement therapy", drug("hormone replacement therapy"), "unknown"),
    (EXC, "Hormone replacement therapy", drug("estrogen replacement therapy"), "fail"),
    # sirolimus | aflibercept: parent targeted_therapy (through mtor_inhibitor, vegf_inhibitor)
    (EXC, "Prior targeted therapy", drug("sirolimus"), "unknown"),
    (EXC, "Prior mTOR inhibitor", drug("sirolimus"), "fail"),
    (EXC, "Prior targeted therapy", drug("temsirolimus"), "fail"),
    (EXC, "Prior targeted therapy", drug("aflibercept"), "unknown"),
    (EXC, "Prior targeted therapy", drug("ziv-aflibercept"), "fail"),
    (EXC, "Prior targeted therapy", drug("ramucirumab"), "fail"),
    (INC, "Prior aflibercept", drug("Zaltrap"), "pass"),
    # toxoplasmosis | cryptococcosis: the AIDS-defining kinds ICD-10-CM codes
    (EXC, "AIDS-defining illness", cond("disseminated cryptococcosis"), "fail"),
    (EXC, "AIDS-defining illness", cond("x", code="B45.1", system="icd10"), "fail"),
    (EXC, "AIDS-defining illness", cond("x", code="B45.0", system="icd10"), "unknown"),
    (EXC, "AIDS-defining illness", cond("toxoplasma meningoencephalitis"), "fail"),
    (EXC, "AIDS-defining illness", cond("x", code="B58.2", system="icd10"), "fail"),
    (EXC, "AIDS-defining illness", cond("x", code="B58.3", system="icd10"), "unknown"),
    # Task B: parents the criteria state
    (EXC, "Cardiac disease", cond("atrial fibrillation"), "fail"),
    (EXC, "Cerebrovascular disease", cond("stroke"), "fail"),
    (EXC, "Stroke", cond("transient ischemic attack"), "unknown"),
    (EXC, "Stroke", cond("cerebrovascular event"), "unknown"),
    (EXC, "Cerebrovascular event", cond("transient ischemic attack"), "fail"),
    (EXC, "Neurologic disorder", cond("stroke"), "fail"),
    (EXC, "Neurologic disorder", cond("epilepsy"), "fail"),
    (EXC, "Psychosis", cond("schizophrenia"), "fail"),
    (EXC, "Axis I disorder", cond("schizophrenia"), "fail"),
    (EXC, "Axis I disorder", cond("major depression"), "fail"),
    (EXC, "Skin disorder", cond("psoriasis"), "fail"),
    (EXC, "Skin disorder", cond("eczema"), "fail"),
    (EXC, "Bowel disease", cond("GERD"), "unknown"),
    (EXC, "Gastrointestinal disease", cond("GERD"), "fail"),
    (EXC, "Gastrointestinal disease", cond("Crohn's disease"), "fail"),
    (EXC, "Bowel disease", cond("ulcerative colitis"), "fail"),
    # hepatitis B/C and HIV are viral infections (the relation is pinned above), but a generic
    # "Viral infection" met only by one of these chronic infections is as untold as a generic
    # "infection" (evaluate.chronic_under_generic; review 27): unknown, never a decision
    (EXC, "Viral infection", cond("hepatitis B"), "unknown"),
    (EXC, "Viral infection", cond("hepatitis C"), "unknown"),
    (EXC, "Viral infection", cond("HIV"), "unknown"),
    (EXC, "Viral infection", cond("influenza"), "fail"),
    (EXC, "Viral infection", cond("COVID-19"), "fail"),
    (EXC, "Hepatitis B", cond("chronic hepatitis B"), "fail"),
    (EXC, "Bacterial infection", cond("tuberculosis"), "fail"),
    (EXC, "Immunomodulatory agents", drug("interferon"), "fail"),
    (EXC, "Connective tissue disease", cond("systemic lupus erythematosus"), "fail"),
    (EXC, "Autoimmune disease", cond("immune thrombocytopenia"), "fail"),
    (EXC, "Major surgery within 4 weeks", done("craniotomy", "surgery"), "fail"),
    (EXC, "Major surgery within 4 weeks", done("biopsy", "biopsy"), "unknown"),
]


@pytest.mark.parametrize(
    ("kind", "text", "patient", "expected"),
    DECISIONS,
    ids=[f"{i:03d}-{t[:40]}" for i, (_, t, _, _) in enumerate(DECISIONS)],
)
def test_the_engine_decides_as_the_mended_lexicon_says(
    kind: str, text: str, patient: dict[str, Any], expected: str
) -> None:
    case = Case("audit_mended", "t", "", "variant", kind, text, None, patient, expected, "")
    got, reason = outcome(case)
    assert got == expected, f"{text!r} + {patient}: {got} ({reason})"
