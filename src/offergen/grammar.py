"""Turn Russian names and positions into the grammatical forms a contract needs.

A contract preamble names the signatory in the genitive ("в лице Генерального директора
Иванова Ивана Ивановича, действующего на основании Устава"), with the participle agreeing
in gender ("действующей" for a woman); an individual entrepreneur is named in the
nominative ("Индивидуальный предприниматель Кузнецова Мария Олеговна, действующая …").

Personal names are declined with pytrovich (the petrovich rules), positions with
pymorphy3 and its bundled OpenCorpora dictionary. Both load their data from the installed
packages, lazily and once per process. Whatever the libraries cannot decline with
certainty is returned as written: an undeclined word is a style slip, a wrongly declined
one changes what the contract says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, Literal

import pymorphy3  # type: ignore[import-untyped]
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, NamePart
from pytrovich.enums import Gender as PGender
from pytrovich.maker import PetrovichDeclinationMaker

__all__ = ["Gender", "acting", "gender_of", "name_genitive", "polite_name", "position_genitive"]

Gender = Literal["male", "female"]

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
# A word a position may be made of: letters or digits, hyphenated parts allowed ("IT-директор").
_PLAIN_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# A spaced dash between two positions in apposition: "Генеральный директор — управляющий".
_APPOSITION_DASH = re.compile(r"\s+[—–-]\s+")
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|„[^“”]*[“”]|“[^”]*”")

_MALE_PATRONYMIC = ("ович", "евич", "ич")
_FEMALE_PATRONYMIC = ("овна", "евна", "ична", "инична")
_TURKIC_SON = frozenset({"оглы", "оглу", "улы", "уулу", "угли", "углы"})
_TURKIC_DAUGHTER = frozenset({"кызы", "гызы", "кизи", "кзы"})

_PARTICIPLE = {
    ("nom", "male"): "действующий",
    ("nom", "female"): "действующая",
    ("gen", "male"): "действующего",
    ("gen", "female"): "действующей",
}


def load() -> None:
    """Load the dictionaries now rather than at the first word declined."""
    _morph()
    _name_maker()
    _gender_detector()


@cache
def _morph() -> Any:
    """The pymorphy3 analyzer with the Russian dictionary, loaded on first use."""
    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _name_maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def _gender_detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


# --------------------------------------------------------------------------- helpers


def _restore_case(original: str, inflected: str) -> str:
    """Give *inflected* the letter case of *original*, hyphen-separated part by part."""
    orig_parts = original.split("-")
    new_parts = inflected.split("-")
    if len(orig_parts) != len(new_parts):
        orig_parts, new_parts = [original], [inflected]
    out: list[str] = []
    for orig, new in zip(orig_parts, new_parts, strict=True):
        if len(orig) > 1 and orig.isupper():
            out.append(new.upper())
        elif orig[:1].isupper():
            out.append(new[:1].upper() + new[1:])
        else:
            out.append(new[:1].lower() + new[1:])
    return "-".join(out)


def _respell(original: str, inflected: str) -> str:
    """Restore the case of *original*; write "е" for "ё" unless the original used "ё"."""
    if "ё" not in original.lower():
        inflected = inflected.replace("ё", "е").replace("Ё", "Е")
    return _restore_case(original, inflected)


def _words(text: str) -> list[str]:
    """Split on whitespace, keeping the separators (even indices are words)."""
    return re.split(r"(\s+)", text)


def _decline_segment(segment: str, decline: Callable[[list[str]], list[str]]) -> str:
    """Apply *decline* to the whitespace-separated words of *segment*, keeping the spacing."""
    tokens = _words(segment)
    slots = [i for i in range(0, len(tokens), 2) if tokens[i]]
    declined = decline([tokens[i] for i in slots])
    for slot, form in zip(slots, declined, strict=True):
        tokens[slot] = form
    return "".join(tokens)


def _nominative(parses: Iterable[Any], pos: Iterable[str]) -> list[Any]:
    """The dictionary (not guessed) parses of the given parts of speech in the nominative."""
    wanted = set(pos)
    return [p for p in parses if p.tag.POS in wanted and p.tag.case == "nomn" and p.is_known]


def _unanimous_genitive(parses: Iterable[Any]) -> str | None:
    """The genitive that every parse agrees on, or None when pymorphy3 is unsure."""
    forms: set[str] = set()
    for parse in parses:
        inflected = parse.inflect({"gent"})
        if inflected is None:
            return None
        forms.add(str(inflected.word))
    return forms.pop() if len(forms) == 1 else None


# --------------------------------------------------------------------------- names


def _patronymic_gender(patronymic: Sequence[str]) -> Gender | None:
    if not patronymic:
        return None
    last = patronymic[-1].lower()
    # "Гейдар оглы", also written "Гейдар-оглы"; "Лутфияр кызы".
    marker = last.rsplit("-", 1)[-1]
    if marker in _TURKIC_SON:
        return "male"
    if marker in _TURKIC_DAUGHTER:
        return "female"
    if len(patronymic) != 1:
        return None
    if last.endswith(_FEMALE_PATRONYMIC):
        return "female"
    if last.endswith(_MALE_PATRONYMIC):
        return "male"
    return None


def _library_gender(gender: PGender) -> Gender | None:
    if gender == PGender.MALE:
        return "male"
    if gender == PGender.FEMALE:
        return "female"
    return None


def gender_of(full_name: str) -> Gender | None:
    """The grammatical gender of a "Фамилия Имя Отчество" name, or None if unknown.

    Decided by the patronymic (-ович/-евич/-ич, -овна/-евна/-ична, оглы/кызы); without
    one, by the first name through pytrovich's rules; None when neither tells.
    """
    words = full_name.split()
    by_patronymic = _patronymic_gender(words[2:])
    if by_patronymic is not None:
        return by_patronymic
    if len(words) >= 2 and _CYRILLIC_WORD.fullmatch(words[1]):
        detected = _gender_detector().detect(firstname=words[1])  # type: ignore[no-untyped-call]
        return _library_gender(detected)
    return None


def polite_name(full_name: str) -> tuple[str, Gender] | None:
    """How a letter addresses a person by name: first name and patronymic, and the
    gender the patronymic tells: "Смирнова Анна Сергеевна" and "Анна Сергеевна Смирнова"
    → ("Анна Сергеевна", "female"); "Алиев Рашид Гейдар оглы" → ("Рашид Гейдар оглы",
    "male"). None without a patronymic ("Анна Смирнова"): Russian business letters do not
    address a person by first name alone."""
    words = full_name.split()
    for index in range(1, len(words)):
        word = words[index]
        if not _CYRILLIC_WORD.fullmatch(word):
            continue
        if word.lower() in _TURKIC_SON | _TURKIC_DAUGHTER:  # "Гейдар оглы": two words
            if index < 2:
                continue
            start, patronymic = index - 2, words[index - 1 : index + 1]
        else:
            start, patronymic = index - 1, [word]
        if not word[:1].isupper() and len(patronymic) == 1:
            continue
        gender = _patronymic_gender(patronymic)
        if gender is not None and _CYRILLIC_WORD.fullmatch(words[start]):
            return " ".join(words[start : index + 1]), gender
    return None


def _keeps_vowel_like_noun(surname: str, declined: str) -> str:
    """Undo pytrovich dropping the "е" of a male surname in -ец that a noun keeps.

    pytrovich's rule for -нец gives "Кузнец" → "Кузнца"; the noun "кузнец" keeps its
    vowel (кузнеца), and so must the surname.
    """
    lowered = surname.lower()
    if not lowered.endswith("ец") or declined.lower() != lowered[:-2] + "ца":
        return declined
    common_nouns = [
        p
        for p in _nominative(_morph().parse(lowered), ["NOUN"])
        if p.tag.number == "sing"
        and p.tag.gender == "masc"
        and not {"Surn", "Name", "Patr"} & p.tag.grammemes
    ]
    if common_nouns and _unanimous_genitive(common_nouns) == lowered + "а":
        return surname + "а"
    return declined


def _is_turkic_patronymic(words: Sequence[str]) -> bool:
    """Is the name's patronymic of the "Гейдар оглы" / "Лутфияр кызы" kind?"""
    if len(words) < 3:
        return False
    marker = words[-1].lower().rsplit("-", 1)[-1]
    return marker in _TURKIC_SON or marker in _TURKIC_DAUGHTER


def _decline_name_words(words: list[str], gender: Gender | None) -> list[str]:
    """Decline surname, first name and patronymic, given in this order."""
    turkic = _is_turkic_patronymic(words)
    if len(words) > 3 and not turkic:
        return words  # not a shape we know: better undeclined than wrong

    if gender is not None:
        lib_gender = PGender.MALE if gender == "male" else PGender.FEMALE
        known_gender = True
    else:
        cyrillic = [w if _CYRILLIC_WORD.fullmatch(w) else None for w in words[:2]] + [None]
        lib_gender = _gender_detector().detect(  # type: ignore[no-untyped-call]
            lastname=cyrillic[0], firstname=cyrillic[1]
        )
        known_gender = False

    maker = _name_maker()
    roles = (NamePart.LASTNAME, NamePart.FIRSTNAME, NamePart.MIDDLENAME)
    declined: list[str] = []
    for index, word in enumerate(words):
        if index >= 3 or (index == 2 and turkic) or not _CYRILLIC_WORD.fullmatch(word):
            declined.append(word)
            continue
        form = maker.make(roles[index], lib_gender, Case.GENITIVE, word, known_gender)
        if index == 0 and lib_gender == PGender.MALE:
            form = _keeps_vowel_like_noun(word, form)
        declined.append(_restore_case(word, form))
    return declined


def name_genitive(full_name: str, gender: Gender | None = None) -> str:
    """The genitive of a "Фамилия Имя Отчество" (or "Фамилия Имя") name.

    "Иванов Иван Иванович" → "Иванова Ивана Ивановича"; "Ким Анна Сергеевна" → "Ким Анны
    Сергеевны". Without *gender* it is taken from :func:`gender_of`, failing that from
    pytrovich's guess over surname and first name. A name without Cyrillic letters is
    returned unchanged, and so are its words that are not Cyrillic. An "X оглы" / "X кызы"
    patronymic is kept as written, as legal texts usually do.
    """
    if not _CYRILLIC.search(full_name):
        return full_name
    known = gender if gender is not None else gender_of(full_name)
    return _decline_segment(full_name, lambda words: _decline_name_words(words, known))


# --------------------------------------------------------------------------- positions


def _agrees(adjective: Any, noun: Any) -> bool:
    """Does a nominative adjective/participle parse agree with a nominative noun parse?"""
    if adjective.tag.number != noun.tag.number:
        return False
    if noun.tag.number == "plur":
        return True
    if "ms-f" in noun.tag or noun.tag.gender is None:  # common gender: "коллега", "судья"
        return adjective.tag.gender in {"masc", "femn"}
    return bool(adjective.tag.gender == noun.tag.gender)


def _person_noun_genitive(component: str) -> str | None:
    """Genitive of a known, animate nominative noun ("инженер"), else None."""
    parses = [
        p
        for p in _nominative(_morph().parse(component.lower()), ["NOUN"])
        if p.tag.animacy == "anim" and p.tag.number == "sing"
    ]
    return _unanimous_genitive(parses) if parses else None


def _decline_word(word: str, parses: Sequence[Any]) -> str:
    """Decline *word* given its chosen parses; keep it as written when unsure."""
    form = _unanimous_genitive(parses) if parses else None
    if form is not None:
        return _respell(word, form)
    return word


def _decline_hyphenated_noun(word: str) -> str:
    """Decline a hyphenated noun that is not in the dictionary.

    The last part is the head and declines ("Бизнес-аналитик" → "Бизнес-аналитика");
    a first part declines too only when it is itself a noun naming a person
    ("Инженер-программист" → "Инженера-программиста").
    """
    components = word.split("-")
    head_parses = _nominative(_morph().parse(components[-1].lower()), ["NOUN"])
    head = _unanimous_genitive(head_parses) if head_parses else None
    if head is None:
        return word
    out = []
    for component in components[:-1]:
        form = _person_noun_genitive(component) if _CYRILLIC_WORD.fullmatch(component) else None
        out.append(_respell(component, form) if form is not None else component)
    out.append(_respell(components[-1], head))
    return "-".join(out)


def _noun_parses(word: str) -> list[Any]:
    parses = _morph().parse(word.lower())
    known = _nominative(parses, ["NOUN"])
    if known or "-" not in word:
        return known
    # An unknown compound ("Комплаенс-менеджер"): judge it by its last part.
    return _nominative(_morph().parse(word.rsplit("-", 1)[-1].lower()), ["NOUN"])


def _adjective_parses(word: str) -> list[Any]:
    return _nominative(_morph().parse(word.lower()), ["ADJF", "PRTF"])


def _decline_head_phrase(words: list[str]) -> list[str]:
    """Decline the leading "adjective* noun" group of *words*; the rest stays as it is.

    The head is the last noun that every word before it can agree with as an adjective or
    participle ("Учёный секретарь": "учёный" is also a noun, yet the head is
    "секретарь"). Without such a noun the adjectives are themselves the head
    ("Управляющий", "Исполняющий обязанности …").
    """
    stems: list[str] = []  # the words of the phrase without trailing punctuation
    adjectives: list[list[Any]] = []
    best: tuple[int, list[list[Any]], list[Any]] | None = None
    for index, token in enumerate(words):
        match = _PLAIN_WORD.match(token)
        tail = token[match.end() :] if match else ""
        if match is None or tail.startswith("."):  # punctuation or an abbreviation ("г.")
            break
        word = match.group()
        stems.append(word)
        nouns = [
            n for n in _noun_parses(word) if all(any(_agrees(a, n) for a in p) for p in adjectives)
        ]
        if nouns:
            agreeing = [[a for a in p if any(_agrees(a, n) for n in nouns)] for p in adjectives]
            best = (index, agreeing, nouns)
        candidates = _adjective_parses(word)
        if not candidates:
            break
        adjectives.append(candidates)
        if tail:  # a comma or a bracket ends the phrase: "Управляющий, …"
            break

    forms = list(stems)
    if best is not None:
        head, agreeing, nouns = best
        for i, parses in enumerate(agreeing):
            forms[i] = _decline_word(stems[i], parses)
        if "-" in stems[head] and not _nominative(_morph().parse(stems[head].lower()), ["NOUN"]):
            forms[head] = _decline_hyphenated_noun(stems[head])
        else:
            forms[head] = _decline_word(stems[head], nouns)
    elif adjectives:
        # A substantivised adjective or participle: the last one is the head.
        last = adjectives[-1]
        for i, parses in enumerate(adjectives):
            agreeing_parses = [a for a in parses if any(_agrees(a, h) for h in last)]
            forms[i] = _decline_word(stems[i], agreeing_parses)
    out = list(words)
    for i, form in enumerate(forms):
        out[i] = form + words[i][len(stems[i]) :]  # put back trailing punctuation
    return out


def position_genitive(position: str) -> str:
    """The genitive of a position: only the head noun phrase declines.

    "Генеральный директор" → "Генерального директора"; "Начальник отдела закупок" →
    "Начальника отдела закупок"; "Генеральный директор ООО «Ромашка»" keeps the quoted
    part; positions in apposition after a spaced dash decline each ("Генерального
    директора — управляющего"). A word that pymorphy3 cannot decline with certainty is kept
    as written; a position without Cyrillic letters is returned unchanged.
    """
    if not _CYRILLIC.search(position):
        return position
    quoted = [m.span() for m in _QUOTED.finditer(position)]
    pieces: list[str] = []
    start = 0
    for dash in _APPOSITION_DASH.finditer(position):
        if any(a <= dash.start() < b for a, b in quoted):
            continue
        pieces.extend([position[start : dash.start()], dash.group()])
        start = dash.end()
    pieces.append(position[start:])
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(piece)
        else:
            out.append(_decline_segment(piece, _decline_head_phrase))
    return "".join(out)


# --------------------------------------------------------------------------- participle


def acting(gender: Gender | None, case: Literal["nom", "gen"]) -> str:
    """ "действующий" agreed with the signatory: nom/gen, male (also for None) or female."""
    return _PARTICIPLE[(case, gender or "male")]
