"""The shipped instruments: each XLSForm parses with pyxform, speaks English and French, and its flag rules fit it."""

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import elementpath
import pytest
import yaml
from elementpath import XPath2Parser
from pyxform.builder import create_survey_element_from_dict
from pyxform.xls2json import parse_file_to_json

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"
CODES = [
    "rss",
    "rapid_screening",
    "vulnerability",
    "risk",
    "family",
    "skills",
    "satisfaction",
    "counselling_intake",
]
EN, FR = "English (en)", "French (fr)"
VERSION = "2026.1"
CONTAINERS = {"group", "repeat"}
# What the instruments engine evaluates: keep every expression within these functions.
ALLOWED_FUNCTIONS = {
    "selected",
    "count-selected",
    "count",
    "string-length",
    "if",
    "coalesce",
    "number",
    "int",
    "today",
    "concat",
    "regex",
    "not",
}
REFERENCE = re.compile(r"\$\{(\w+)\}")
FUNCTION_CALL = re.compile(r"(?<![\w$/.'-])([a-z][a-z-]*)\s*\(")
SELECTED_VALUE = re.compile(r"selected\(\s*(\$\{\w+\}|\.)\s*,\s*'([^']*)'\s*\)")
COMPARED_VALUE = re.compile(r"(\$\{\w+\})\s*!?=\s*'([^']*)'")


@cache
def parsed(code: str) -> tuple[dict, tuple[str, ...]]:
    warnings: list[str] = []
    definition = parse_file_to_json(str(DEFINITIONS / f"{code}.md"), warnings=warnings)
    return definition, tuple(warnings)


def form(code: str) -> dict:
    return parsed(code)[0]


def elements(node: dict, in_repeat: bool = False):
    """Every survey element under node with whether it sits in a repeat (pyxform's own meta group left out)."""
    for child in node.get("children", []):
        if child["type"] == "group" and child["name"] == "meta":
            continue
        yield child, in_repeat
        if child["type"] in CONTAINERS:
            yield from elements(child, in_repeat or child["type"] == "repeat")


def questions(code: str) -> dict[str, dict]:
    return {e["name"]: e for e, _ in elements(form(code))}


def expressions(element: dict) -> list[tuple[str, str]]:
    bind = element.get("bind", {})
    found = [(key, bind[key]) for key in ("relevant", "constraint", "calculate", "required") if key in bind]
    return [(key, value) for key, value in found if isinstance(value, str) and value not in ("yes", "true()")]


def choice_names(code: str, element: dict) -> set[str]:
    return {choice["name"] for choice in form(code)["choices"].get(element.get("list_name"), [])}


def flag_files() -> list[Path]:
    return sorted(DEFINITIONS.glob("*.flags.yaml"))


@cache
def flags_of(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def bilingual(value) -> bool:
    return isinstance(value, dict) and bool(str(value.get(EN, "")).strip()) and bool(str(value.get(FR, "")).strip())


def xpath_parser() -> XPath2Parser:
    """An XPath 2 parser that knows the ODK functions by name, to check syntax here (the engine evaluates them).

    XPath 2 reserves `if`, so ODK's if(a, b, c) is parsed as a function named `iff`."""
    parser = XPath2Parser()
    parser.external_function(lambda nodes, value: value in str(nodes or "").split(), name="selected")
    parser.external_function(lambda nodes: len(str(nodes or "").split()), name="count-selected")
    parser.external_function(lambda test, then, other: then if test else other, name="iff")
    parser.external_function(lambda: "", name="today")
    parser.external_function(lambda text, pattern: bool(re.search(pattern, str(text))), name="regex")
    parser.external_function(lambda value: int(float(value)), name="int")
    return parser


def as_xpath(expression: str) -> str:
    return REFERENCE.sub(r"/data/\1", expression).replace("if(", "iff(")


def check_values_exist(code: str, expression: str, own: dict | None = None) -> list[str]:
    """Choice names used in selected(...) or compared with = exist in the list of the question they test."""
    known = questions(code)
    problems = []
    for pattern in (SELECTED_VALUE, COMPARED_VALUE):
        for target, value in pattern.findall(expression):
            element = own if target == "." else known.get(target[2:-1])
            if element is None or "list_name" not in element or value == "":
                continue
            if value not in choice_names(code, element):
                problems.append(f"{code}: '{value}' is not a choice of {element['name']} in {expression!r}")
    return problems


# --- every form -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_it_parses_without_warnings_and_builds_a_bilingual_xform(code):
    definition, warnings = parsed(code)
    assert warnings == ()
    xform = create_survey_element_from_dict(definition).to_xml(validate=False)
    assert f'<translation lang="{EN}" default="true()">' in xform
    assert f'<translation lang="{FR}">' in xform
    assert f'id="{code}"' in xform


@pytest.mark.parametrize("code", CODES)
def test_its_settings_name_the_instrument_code_version_and_default_language(code):
    definition = form(code)
    assert definition["id_string"] == code
    assert definition["version"] == VERSION
    assert definition["default_language"] == EN
    assert definition["title"].strip()


@pytest.mark.parametrize("code", CODES)
def test_it_opens_with_a_bilingual_note_saying_what_it_is_for_and_whether_it_is_adaptable(code):
    first = form(code)["children"][0]
    assert first["type"] == "note"
    assert bilingual(first["label"])
    english, french = first["label"][EN], first["label"][FR]
    if code == "rss":
        assert "INDICATIVE" in english and "official" in english
        assert "INDICATIF" in french and "officiel" in french
    else:
        assert "to be adapted" in english
        assert "à adapter" in french


@pytest.mark.parametrize("code", CODES)
def test_every_question_group_and_choice_is_labelled_in_english_and_french(code):
    for element, _ in elements(form(code)):
        if element["type"] == "calculate":
            continue
        assert bilingual(element.get("label")), f"{code}: {element['name']} lacks a label in both languages"
        if "hint" in element:
            assert bilingual(element["hint"]), f"{code}: {element['name']} hint"
    for list_name, choices in form(code)["choices"].items():
        for choice in choices:
            assert bilingual(choice.get("label")), f"{code}: choice {list_name}/{choice['name']}"


@pytest.mark.parametrize("code", CODES)
def test_constraints_and_required_messages_come_in_both_languages(code):
    for element, _ in elements(form(code)):
        bind = element.get("bind", {})
        if "constraint" in bind:
            assert bilingual(bind.get("jr:constraintMsg")), f"{code}: {element['name']} constraint message"
        if "jr:requiredMsg" in bind:
            assert bilingual(bind["jr:requiredMsg"]), f"{code}: {element['name']} required message"


@pytest.mark.parametrize("code", CODES)
def test_names_are_unique_across_the_form_because_answers_are_a_flat_dict(code):
    names = [element["name"] for element, _ in elements(form(code))]
    duplicates = {name for name in names if names.count(name) > 1}
    assert not duplicates


@pytest.mark.parametrize("code", CODES)
def test_every_reference_points_to_a_question_of_the_form(code):
    known = questions(code)
    for element, _ in elements(form(code)):
        texts = [value for _, value in expressions(element)]
        texts += [text for key in ("label", "hint") for text in (element.get(key) or {}).values()]
        for text in texts:
            for name in REFERENCE.findall(text):
                assert name in known, f"{code}: {element['name']} refers to unknown ${{{name}}}"
                assert known[name]["type"] not in CONTAINERS or "count(" in text, f"{code}: {name} is a group"


@pytest.mark.parametrize("code", CODES)
def test_expressions_use_only_functions_the_engine_supports_and_existing_choices(code):
    for element, _ in elements(form(code)):
        for key, expression in expressions(element):
            used = set(FUNCTION_CALL.findall(expression)) - {"and", "or"}
            assert used <= ALLOWED_FUNCTIONS, f"{code}: {element['name']} {key} uses {used - ALLOWED_FUNCTIONS}"
            assert not check_values_exist(code, expression, own=element)


@pytest.mark.parametrize("code", CODES)
def test_its_expressions_are_valid_xpath(code):
    parser = xpath_parser()
    for element, _ in elements(form(code)):
        for key, expression in expressions(element):
            try:
                parser.parse(as_xpath(expression))
            except elementpath.ElementPathError as error:
                pytest.fail(f"{code}: {element['name']} {key}: {error}")


@pytest.mark.parametrize("code", CODES)
def test_numbers_are_bounded_by_a_constraint(code):
    for element, _ in elements(form(code)):
        if element["type"] in ("integer", "decimal"):
            assert "constraint" in element.get("bind", {}), f"{code}: {element['name']} has no range"


@pytest.mark.parametrize("code", CODES)
def test_an_other_choice_is_followed_by_a_specify_question(code):
    known = questions(code)
    for element, _ in elements(form(code)):
        if "other" not in choice_names(code, element) or element["name"].startswith("sat_"):
            continue
        specify = [
            q
            for q in known.values()
            if q["type"] == "text" and re.search(rf"\${{{element['name']}}}", q.get("bind", {}).get("relevant", ""))
        ]
        assert specify, f"{code}: {element['name']} offers 'other' but nothing asks to specify it"


def test_the_shipped_set_has_repeats_and_a_calculate():
    assert {"family", "skills", "risk"} <= {
        code for code in CODES if any(e["type"] == "repeat" for e, _ in elements(form(code)))
    }
    household = questions("family")
    assert household["members"]["type"] == "repeat"
    assert {"m_name", "m_relationship", "m_sex", "m_age", "m_in_school", "m_working"} <= {
        child["name"] for child in household["members"]["children"]
    }
    assert household["hh_size"]["type"] == "calculate"
    assert "count(${members})" in household["hh_size"]["bind"]["calculate"]
    assert household["m_age"]["bind"]["constraint"] == ". >= 0 and . <= 110"
    assert questions("skills")["job_years"]["bind"]["constraint"] == ". >= 0 and . <= 60"


def test_no_file_uses_referencement_for_referral():
    for path in DEFINITIONS.iterdir():
        assert "référencement" not in path.read_text(encoding="utf-8").lower(), path.name


# --- the RSS: names and lists agreed with the scoring profile (notes/issue3.md) ---------------------------------

RSS_LISTS = {
    "sat5": ["very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"],
    "freq5": ["never", "rarely", "sometimes", "often", "very_often"],
    "quality5": ["very_good", "good", "fair", "poor", "very_poor"],
    "agree5": ["strongly_agree", "agree", "neutral", "disagree", "strongly_disagree"],
    "safe5": ["very_safe", "safe", "neither", "unsafe", "very_unsafe"],
    "yndk": ["yes", "no"],
    "school": ["yes", "no", "no_school_age_children"],
    "debt": ["yes", "no", "no_debt"],
}
P7 = ["anger", "sadness", "fear", "stress", "loneliness", "low_self_esteem", "concentration"]
RSS_ITEMS = {
    "economic": [
        ("e1_economic_satisfaction", "sat5"),
        ("e2_meals_reduced", "freq5"),
        ("e3_can_borrow", "yndk"),
        ("e4a_borrow_frequency", "freq5"),
        ("e4b_debt_exceeds_spending", "debt"),
        ("e5_access_employment", "quality5"),
        ("e6_has_income", "yndk"),
        ("e7_productive_assets", "yndk"),
        ("e8_looking_for_work", "yndk"),
    ],
    "social": [
        ("s1_access_housing", "quality5"),
        ("s2_housing_standard", "quality5"),
        ("s3_access_education", "quality5"),
        ("s4_children_in_school", "school"),
        ("s5_access_justice", "quality5"),
        ("s6a_has_id_document", "yndk"),
        ("s6b_access_documents", "quality5"),
        ("s7_access_water", "quality5"),
        ("s8_access_health", "quality5"),
    ],
    "psychosocial": [
        ("p1_social_events", "freq5"),
        ("p2_support_network", "quality5"),
        ("p3_belonging", "agree5"),
        ("p4_feels_safe", "safe5"),
        ("p5_family_tension", "freq5"),
        ("p6_discrimination", "yndk"),
        *[(f"p7_{sign}", "freq5") for sign in P7],
        ("p8_wants_psych_support", "yndk"),
        ("p9_able_to_stay", "yndk"),
    ],
}


def test_rss_choice_lists_are_exactly_the_agreed_ones_each_with_dont_know_and_no_answer():
    choices = form("rss")["choices"]
    assert set(choices) == set(RSS_LISTS)
    for list_name, names in RSS_LISTS.items():
        assert [choice["name"] for choice in choices[list_name]] == [*names, "dont_know", "no_answer"]


def test_rss_questions_are_exactly_the_agreed_ones_in_their_dimension_groups():
    groups = [child for child in form("rss")["children"] if child["type"] == "group" and child["name"] != "meta"]
    assert [group["name"] for group in groups] == list(RSS_ITEMS)
    for group in groups:
        items = [(q["name"], q.get("list_name")) for q in group["children"] if q["type"] != "note"]
        assert items == RSS_ITEMS[group["name"]]
        for question in group["children"]:
            if question["type"] != "note":
                assert question["type"] == "select one"
                assert question["bind"]["required"] == "yes"
                assert "relevant" not in question["bind"]
    outside = [c["type"] for c in form("rss")["children"] if c["type"] not in ("group", "note")]
    assert outside == []


def test_rss_form_and_the_shipped_provisional_profile_use_the_same_questions_and_options():
    path = DEFINITIONS.parents[1] / "scoring" / "profiles" / "rss-provisional.yaml"
    if not path.exists():
        pytest.skip("no shipped RSS scoring profile")
    from reintegra.scoring.profile import parse_profile_text  # YAML 1.2 booleans: `yes` stays an option code

    profile = parse_profile_text(path.read_text(encoding="utf-8"))
    rss = questions("rss")
    asked = {name for name, element in rss.items() if element["type"] == "select one"}
    assert {item["question"] for item in profile["items"]} == asked
    for item in profile["items"]:
        if "options" in item:
            assert item["options"] == rss[item["question"]]["list_name"]
    for list_name, options in profile["option_sets"].items():
        assert list(options) == [choice["name"] for choice in form("rss")["choices"][list_name]]


# --- flag rules -------------------------------------------------------------------------------------------------

FLAG_KEYS = {"code", "when", "label", "suggestion", "tasks"}
TASK_KEYS = {"instrument", "title", "due_days"}


def test_the_screening_and_the_rss_have_flag_rules_and_every_flag_file_belongs_to_a_form():
    stems = {path.name.removesuffix(".flags.yaml") for path in flag_files()}
    assert {"rss", "rapid_screening"} <= stems
    assert stems <= set(CODES)


@pytest.mark.parametrize("path", flag_files(), ids=lambda path: path.name)
def test_flag_rules_are_well_formed_and_bilingual(path):
    rules = flags_of(path)
    assert set(rules) == {"version", "flags"}
    assert rules["version"] == VERSION
    codes = [flag["code"] for flag in rules["flags"]]
    assert len(codes) == len(set(codes))
    for flag in rules["flags"]:
        assert set(flag) <= FLAG_KEYS and {"code", "when", "label", "suggestion"} <= set(flag)
        assert re.fullmatch(r"[a-z][a-z0-9_]*", flag["code"])
        assert isinstance(flag["when"], str) and flag["when"].strip()
        for key in ("label", "suggestion"):
            assert set(flag[key]) == {"en", "fr"} and all(str(v).strip() for v in flag[key].values()), flag["code"]
        for task in flag.get("tasks", []):
            assert set(task) <= TASK_KEYS and {"title", "due_days"} <= set(task)
            assert set(task["title"]) == {"en", "fr"} and all(str(v).strip() for v in task["title"].values())
            assert isinstance(task["due_days"], int) and 1 <= task["due_days"] <= 60
            assert task.get("instrument", "rss") in CODES


@pytest.mark.parametrize("path", flag_files(), ids=lambda path: path.name)
def test_flag_conditions_refer_to_top_level_questions_and_existing_choices(path):
    code = path.name.removesuffix(".flags.yaml")
    in_repeat = {element["name"]: inside for element, inside in elements(form(code))}
    known = questions(code)
    for flag in flags_of(path)["flags"]:
        names = REFERENCE.findall(flag["when"])
        assert names, flag["code"]
        for name in names:
            assert name in known, f"{flag['code']} refers to unknown ${{{name}}}"
            assert known[name]["type"] not in CONTAINERS | {"note"}
            assert not in_repeat[name], f"{flag['code']}: {name} is inside a repeat"
        used = set(FUNCTION_CALL.findall(flag["when"])) - {"and", "or"}
        assert used <= ALLOWED_FUNCTIONS
        assert not check_values_exist(code, flag["when"])
        xpath_parser().parse(as_xpath(flag["when"]))


def rss_flags() -> dict[str, dict]:
    return {flag["code"]: flag for flag in flags_of(DEFINITIONS / "rss.flags.yaml")["flags"]}


def test_rss_raises_exactly_the_five_agreed_flags():
    flags = rss_flags()
    assert set(flags) == {
        "psych_support_requested",
        "high_distress",
        "safety_concern",
        "no_identity_document",
        "children_out_of_school",
    }
    assert flags["psych_support_requested"]["when"] == "${p8_wants_psych_support} = 'yes'"
    assert flags["no_identity_document"]["when"] == "${s6a_has_id_document} = 'no'"
    assert flags["children_out_of_school"]["when"] == "${s4_children_in_school} = 'no'"
    assert set(REFERENCE.findall(flags["safety_concern"]["when"])) == {"p4_feels_safe"}
    assert "'unsafe'" in flags["safety_concern"]["when"] and "'very_unsafe'" in flags["safety_concern"]["when"]


def test_rss_high_distress_counts_all_seven_signs_against_a_labelled_adjustable_threshold():
    when = rss_flags()["high_distress"]["when"]
    assert set(REFERENCE.findall(when)) == {f"p7_{sign}" for sign in P7}
    threshold = int(re.search(r">=\s*(\d+)\s*$", when).group(1))
    assert threshold == 4
    label = rss_flags()["high_distress"]["label"]
    assert f"{threshold} or more" in label["en"] and "adjustable" in label["en"]
    assert f"au moins {threshold}" in label["fr"] and "ajustable" in label["fr"]
    text = (DEFINITIONS / "rss.flags.yaml").read_text(encoding="utf-8")
    assert "HIGH DISTRESS THRESHOLD" in text and "ADJUSTABLE" in text


def raised(when: str, answers: dict[str, str]) -> bool:
    root = ET.Element("data")
    for name, value in answers.items():
        ET.SubElement(root, name).text = value
    return bool(elementpath.select(root, as_xpath(when), parser=XPath2Parser))


@pytest.mark.parametrize(
    ("often", "expected"),
    [(["often", "very_often", "often", "very_often"], True), (["often", "very_often", "often"], False)],
)
def test_rss_high_distress_is_raised_from_the_threshold_on(often, expected):
    answers = {f"p7_{sign}": "sometimes" for sign in P7}
    answers.update({f"p7_{sign}": value for sign, value in zip(P7, often, strict=False)})
    answers["p7_concentration"] = "dont_know"
    assert raised(rss_flags()["high_distress"]["when"], answers) is expected


def screening_flags() -> dict[str, dict]:
    return {flag["code"]: flag for flag in flags_of(DEFINITIONS / "rapid_screening.flags.yaml")["flags"]}


def test_a_medical_need_on_the_screening_asks_for_the_vulnerability_and_risk_assessments():
    tasks = screening_flags()["urgent_medical_need"]["tasks"]
    assert {task["instrument"] for task in tasks} == {"vulnerability", "risk"}
    assert all(3 <= task["due_days"] <= 7 for task in tasks)
    titles = {task["instrument"]: task["title"] for task in tasks}
    assert titles["vulnerability"] == {
        "en": "Run the vulnerability assessment",
        "fr": "Mener l'évaluation de la vulnérabilité",
    }
    assert titles["risk"] == {"en": "Run the risk assessment", "fr": "Mener l'évaluation des risques"}


def test_the_screening_suggests_protection_child_protection_and_psychosocial_referrals():
    flags = screening_flags()
    trafficking = flags["trafficking_indicators"]
    assert set(REFERENCE.findall(trafficking["when"])) == {
        "t1_forced_work",
        "t2_unpaid",
        "t3_documents_kept",
        "t4_not_free",
        "t5_deceived",
    }
    assert "Protection referral" in trafficking["suggestion"]["en"]
    assert "Orientation" in trafficking["suggestion"]["fr"]
    assert {task.get("instrument") for task in trafficking["tasks"]} >= {"vulnerability", "risk"}
    child = flags["unaccompanied_or_separated_child"]
    assert "'unaccompanied'" in child["when"] and "Child protection referral" in child["suggestion"]["en"]
    assert "protection de l'enfance" in child["suggestion"]["fr"]
    assert "MHPSS" in flags["psychological_distress"]["suggestion"]["en"]
