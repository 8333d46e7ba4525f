"""The Spanish catalog of the patient portal: complete, with the same placeholders as
the English, nothing left fuzzy, and a compiled .mo that matches the .po (the .mo is
committed, so a machine without gettext still serves Spanish). Then the portal itself
in Spanish, for a patient who switches language."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import Clinic
from ipt.choices import Relationship
from ipt.models import Course
from measures.tests.factories import AdministrationFactory
from portal.choices import HomeworkStatus
from portal.forms import DiaryForm
from portal.homework_templates import template_get

LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
PO_PATH = LOCALE / "django.po"
MO_PATH = LOCALE / "django.mo"
TEMPLATES = [
    *sorted(
        (Path(settings.BASE_DIR) / "portal" / "templates" / "portal").glob("*.html")
    ),
    Path(settings.BASE_DIR)
    / "outcomes"
    / "templates"
    / "outcomes"
    / "_progress_chart.html",
]


# --- A small .po reader ----------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def name(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), text[1:-1])


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """(header, entries) of a .po file as gettext writes it: one entry per block of
    lines, blocks apart by a blank line; obsolete (``#~``) lines are skipped."""
    entries: list[Entry] = []
    entry, target = Entry(), ("", 0)
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate([*lines, ""], 1):
        line = raw.strip()
        if not line:
            if entry.line:
                entries.append(entry)
            entry = Entry()
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            key, index = target
            assert key, f"line {number}: a string with no keyword"
            if key == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, key, getattr(entry, key) + _unquote(line))
        else:
            keyword, _, rest = line.partition(" ")
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            entry.line = entry.line or number
            if plural or keyword == "msgstr":
                index = int(plural[1]) if plural else 0
                entry.msgstr[index] = _unquote(rest)
                target = ("msgstr", index)
            elif keyword in {"msgid", "msgid_plural", "msgctxt"}:
                setattr(entry, keyword, _unquote(rest))
                target = (keyword, 0)
            else:
                raise AssertionError(f"line {number}: unknown keyword {keyword!r}")
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"  # %(name)s
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifr]"  # %s, %d
    r"|\{[^{}]*\}"  # {name}, {}
)


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


HEADER, ENTRIES = read_po(PO_PATH)


def test_the_catalog_has_the_portal_strings() -> None:
    assert len(ENTRIES) > 200
    assert {"Get help now", "Today's diary", "Partner or spouse"} <= {
        e.msgid for e in ENTRIES
    }


def test_the_header_is_spanish_utf8_with_two_plural_forms() -> None:
    header = HEADER.msgstr[0]
    assert "Language: es\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    assert "fuzzy" not in HEADER.flags


def test_every_string_has_a_spanish_translation_in_every_plural_form() -> None:
    missing = [
        e.name
        for e in ENTRIES
        if sorted(e.msgstr) != ([0, 1] if e.msgid_plural is not None else [0])
        or not all(text.strip() for text in e.msgstr.values())
    ]
    assert missing == []


def test_nothing_is_left_fuzzy() -> None:
    assert [e.name for e in ENTRIES if "fuzzy" in e.flags] == []


def test_placeholders_are_the_same_in_english_and_spanish() -> None:
    wrong = []
    for e in ENTRIES:
        for index, text in e.msgstr.items():
            source = e.msgid if index == 0 else (e.msgid_plural or e.msgid)
            if placeholders(text) != placeholders(source):
                wrong.append(f"{e.name} msgstr[{index}]: {text!r}")
    assert wrong == []


def test_the_placeholder_check_catches_a_dropped_or_renamed_placeholder() -> None:
    assert placeholders("Hello, %(name)s") != placeholders("Hola")
    assert placeholders("Hello, %(name)s") != placeholders("Hola, %(nombre)s")
    assert placeholders("{n} of %s, 100%%") == Counter({"{n}": 1, "%s": 1})


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with MO_PATH.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in ENTRIES:
        if e.msgid_plural is not None:
            got = {
                0: compiled.ngettext(e.msgid, e.msgid_plural, 1),
                1: compiled.ngettext(e.msgid, e.msgid_plural, 2),
            }
        elif e.msgctxt is not None:
            got = {0: compiled.pgettext(e.msgctxt, e.msgid)}
        else:
            got = {0: compiled.gettext(e.msgid)}
        if got != e.msgstr:
            stale.append(e.name)
    assert stale == [], "recompile: msgfmt --check -o django.mo django.po"


def test_every_translate_tag_in_the_portal_templates_is_in_the_catalog() -> None:
    """A new ``{% translate %}`` string fails here until makemessages picks it up."""
    known = {(e.msgctxt, e.msgid) for e in ENTRIES}
    tag = re.compile(
        r"""\{%\s*translate\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?[^%]*%\}"""
    )
    absent = [
        f"{path.name}: {match[2]!r}"
        for path in TEMPLATES
        for match in tag.finditer(path.read_text(encoding="utf-8"))
        if (match[4], match[2]) not in known
    ]
    assert absent == []


# --- Django, in Spanish -----------------------------------------------------------------


def test_key_portal_strings_come_out_in_spanish() -> None:
    with translation.override("es"):
        assert translation.gettext("Get help now") == "Obtener ayuda ahora"
        assert str(DiaryForm.base_fields["mood"].label) == (
            "Su ánimo hoy (0 = muy bajo, 10 = muy bueno)"
        )
        assert str(DiaryForm.base_fields["self_harm"].label) == (
            "¿Hoy se hizo daño o pensó en quitarse la vida?"
        )
        assert str(HomeworkStatus.SET.label) == "Por hacer"
        assert str(Relationship.SIBLING.label) == "Hermano o hermana"
        template = template_get("reach_out")
        assert template is not None
        assert str(template.title) == "Buscar a alguien que le dé apoyo"
        assert translation.ngettext("%(total)s question", "%(total)s questions", 1) % {
            "total": 1
        } == ("1 pregunta")
        assert translation.ngettext("%(total)s question", "%(total)s questions", 9) % {
            "total": 9
        } == ("9 preguntas")
    with translation.override("en"):
        assert translation.gettext("Get help now") == "Get help now"


@pytest.mark.django_db
def test_a_visitor_who_chooses_spanish_gets_the_crisis_page_in_spanish(
    client: Client,
) -> None:
    client.post(
        reverse("portal:language"), {"language": "es", "next": reverse("portal:help")}
    )
    page = client.get(reverse("portal:help")).content.decode()
    assert '<html lang="es">' in page
    assert "Obtener ayuda ahora" in page
    assert "si está en peligro ahora" in page
    # the generic names of the crisis lines too; proper names stay as they are
    assert "Servicios de emergencia: 999" in page
    assert "NHS 111, opción 2: 111" in page
    assert "Samaritans: 116123" in page
    assert "Emergency services" not in page


@pytest.mark.django_db
def test_a_patient_who_switches_to_spanish_reads_home_and_diary_in_spanish(
    as_patient: Client, course: Course
) -> None:
    home = reverse("portal:home")
    response = as_patient.post(
        reverse("portal:language"), {"language": "es", "next": home}
    )
    assert response.status_code == 302
    assert response["Location"] == home

    page = as_patient.get(home).content.decode()
    assert '<html lang="es">' in page
    assert "Obtener ayuda ahora" in page
    assert "Diario de hoy" in page
    assert "Get help now" not in page

    page = as_patient.get(reverse("portal:diary")).content.decode()
    assert '<html lang="es">' in page
    assert "Su ánimo hoy (0 = muy bajo, 10 = muy bueno)" in page
    assert "¿Hoy se hizo daño o pensó en quitarse la vida?" in page
    assert "Mood today" not in page

    as_patient.post(reverse("portal:language"), {"language": "en", "next": home})
    page = as_patient.get(home).content.decode()
    assert '<html lang="en">' in page
    assert "Get help now" in page


@pytest.mark.django_db
def test_the_progress_chart_reads_in_spanish_in_the_portal(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    start = timezone.now() - dt.timedelta(days=60)
    for weeks, total in [(0, 18), (4, 12), (8, 9)]:
        AdministrationFactory(
            patient=clinic.patient,
            instrument_id="phq9",
            total=total,
            administered_at=start + dt.timedelta(weeks=weeks),
        )
    as_patient.post(reverse("portal:language"), {"language": "es"})
    page = as_patient.get(reverse("portal:progress")).content.decode()
    assert "Su puntaje pasó de 18 a 9." in page
    assert "Sus puntajes de PHQ-9" in page
    assert "Las franjas de color" in page  # the caption in plain words
    assert '<th scope="col">Fecha</th>' in page
    assert "Cambio desde el primero" in page
    assert "Change from first" not in page
    # The chart's own words: band names, cut-off, legend, dates and its aria-label.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "moderadamente" in svg and "punto de corte" in svg  # band names wrap
    assert "esperado" in svg or "límite de avance esperado" in svg
    assert "PHQ-9: 3 puntajes, de 18 el" in svg
    assert re.search(r"\d+ de [a-z]+ de \d{4}", svg)
    for english in ("moderately severe", "cut-off", "on-track limit", " scores from "):
        assert english not in svg


@pytest.mark.django_db
def test_a_prorated_total_says_so_in_spanish_in_the_portal(
    as_patient: Client, clinic: Clinic, course: Course
) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    AdministrationFactory(
        patient=clinic.patient, answers=[2] * 8 + [0], administered_at=start
    )
    AdministrationFactory(
        patient=clinic.patient,
        answers=[1, 1, None, 1, 1, 1, 1, 1, 0],
        administered_at=start + dt.timedelta(weeks=2),
    )
    as_patient.post(reverse("portal:language"), {"language": "es"})
    page = as_patient.get(reverse("portal:progress")).content.decode()
    assert page.count("prorrateado a partir de 8 de 9 preguntas") == 1
    assert "prorated from" not in page
