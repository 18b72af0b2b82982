"""Planted smuggling channels for the channels benchmark: interception reports with the truth.

The generator makes up smuggling organisations (channels), each with a route (origin ->
transit -> destination, ISO 3166 alpha-3, e.g. AFG -> TJK -> UZB -> KAZ -> RUS), a few
crossing points of the member states on it, a usual modus, an active window, and 2-6
facilitators. Every report is one interception at one crossing point, written by the
state of that crossing point in its own script and formats, so that no agency sees the
whole route and the same facilitator, phone or plate is written differently by each:

=====================  ==================================================================
what                   how it is written
=====================  ==================================================================
facilitators' names    by the reporting state's custom: Russian Cyrillic (RUS, BLR, and
                       KAZ, KGZ, TJK for foreigners), the state's own spelling for its
                       own people (Kazakh, Kyrgyz, Tajik Cyrillic; Uzbek, Azerbaijani,
                       Turkmen Latin; Armenian; Georgian), Uzbek / Azerbaijani / Turkmen
                       Latin of the Russian form for foreigners, or copied from the
                       passport's Latin line (``P_FROM_PASSPORT``). Patronymic dropped,
                       word order, capitals and typos vary per report. Transliteration
                       comes from `crossscript_data`.
phones                 each facilitator's phone is used for 3-10 weeks, then replaced;
                       written in the reporting state's local forms: "8 701 123 45 67",
                       "+7(701)1234567", "0077011234567", "87011234567" at home, "+998 90
                       123 45 67", "00998901234567", "8 10 998 901234567" for a foreign one
plates                 the vehicles of a channel (replaced once in a while); Cyrillic
                       look-alike letters in Cyrillic-writing states, Latin elsewhere,
                       spaces, hyphens and a country mark varying
documents              forged-document series: consecutive numbers of one batch (letters
                       written in Latin or Cyrillic look-alikes), and a facilitator's own
                       (forged) passport seen again
=====================  ==================================================================

What makes the data hard, at fixed rates:

- ``P_WEAK_ONLY`` of a channel's reports share nothing with the rest of their channel but
  the route, a crossing point, the time window and the modus (no name, phone, plate or
  document), while other channels run on the same corridors;
- ``P_BROKER`` of the channels share a broker with another channel: a facilitator (or his
  phone) who appears in a few reports of both;
- ``P_LONE`` of the reports belong to no channel: a group caught once, with its own people.

Migrant counts and nationalities are on every report, and are never a link (a channel's
migrants come from the route's origin, like everybody else's on that corridor).

Output (``--out DIR``): ``REPORTS.csv`` in the command line's contract (issue 29, item 4, and
`interagency.channels.reading`), ``TRUTH.csv`` (``report_id,channel_id``, empty for a lone
report) and ``META.csv`` (``report_id,kind``: linked, weak-only, broker or lone).

    .venv/bin/python benchmarks/channels_data.py --reports 10000 --seed 3 --out DIR

``generate`` is deterministic for a seed (and a given Faker release, whose name lists supply
rare names). Crossing points and modi are the codes of `interagency.channels.reference` when it
is installed (the reader refuses other codes), else the small lists below. Nothing else of
``interagency`` is imported: the data must not be tuned to the engine it measures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# Beside this file, not a package.
import crossscript_data as names
from interagency.channels.reading import REQUIRED_COLUMNS

# ---------------------------------------------------------------------------
# Rates and sizes
# ---------------------------------------------------------------------------
P_LONE = 0.10  # reports in no channel
P_WEAK_ONLY = 0.10  # channel reports with no name, phone, plate or document
P_BROKER = 0.06  # channels sharing a facilitator or a phone with another channel
P_BROKER_PHONE = 0.4  # of those: the phone alone is seen, not the broker's name
CHANNEL_SIZE_MEDIAN = 10.0  # reports per channel: log-normal, clamped to 3..150
CHANNEL_SIZE_SIGMA = 0.8
FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)

P_FROM_PASSPORT = 0.2  # a name copied from the passport's Latin line
P_PATRONYMIC_CYRILLIC = 0.8
P_PATRONYMIC_LATIN = 0.3
P_TYPO = 0.04
P_UPPER = 0.15
P_PHONE_SHOWN = 0.6  # each present facilitator's current phone is on the report
P_PHONE_TYPO = 0.02
P_PLATE = 0.4  # a report names one of the channel's vehicles
P_CYRILLIC_PLATE = 0.6  # in a Cyrillic-writing state, look-alike letters in Cyrillic
P_PLATE_MARK = 0.2  # a country mark written with the plate
P_OWN_DOCUMENT = 0.4  # a facilitator carries a (forged) passport of his own
P_OWN_DOCUMENT_SHOWN = 0.5
P_SERIES_SHOWN = 0.7  # a report of a forged-documents channel lists numbers of its batch
P_PARTIAL_TRANSIT = 0.15  # the reporting state knows only part of the transit
P_DMY_DATE = 0.3  # the date written DD.MM.YYYY
P_OTHER_MODUS = 0.15  # a channel's report of another modus than its usual one

# The command line's contract, as `channels.reading` reads it (with one optional column).
CHANNEL_COLUMNS = (*REQUIRED_COLUMNS, "direction")

# ---------------------------------------------------------------------------
# Corridors: the route, and where its facilitators' names come from
# (crossscript_data's origins). Member states are those with crossing points.
# ---------------------------------------------------------------------------
ROUTES: tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...] = (
    (("AFG", "TJK", "UZB", "KAZ", "RUS"), ("tg", "uz", "kk", "ru"), 0.14),
    (("AFG", "TJK", "KGZ", "KAZ", "RUS"), ("tg", "ky", "kk", "ru"), 0.08),
    (("TJK", "UZB", "KAZ", "RUS"), ("tg", "uz", "kk", "ru"), 0.10),
    (("UZB", "KAZ", "RUS"), ("uz", "kk", "ru"), 0.12),
    (("KGZ", "KAZ", "RUS"), ("ky", "kk", "ru"), 0.07),
    (("AFG", "TKM", "UZB", "KAZ", "RUS"), ("tk", "uz", "kk", "ru"), 0.06),
    (("IND", "UZB", "KAZ", "RUS", "BLR", "POL"), ("uz", "kk", "ru"), 0.05),
    (("BGD", "UZB", "KAZ", "RUS"), ("uz", "kk", "ru"), 0.04),
    (("IRQ", "TUR", "GEO", "RUS", "BLR", "LTU"), ("ka", "ru"), 0.06),
    (("SYR", "TUR", "GEO", "RUS", "BLR", "POL"), ("ka", "ru"), 0.06),
    (("IRN", "ARM", "GEO", "RUS"), ("hy", "ka", "ru"), 0.06),
    (("IRN", "AZE", "RUS", "BLR", "LVA"), ("az", "ru"), 0.05),
    (("PAK", "IRN", "AZE", "GEO", "TUR"), ("az", "ka"), 0.04),
    (("VNM", "RUS", "BLR", "POL"), ("ru",), 0.04),
    (("AFG", "TKM", "KAZ", "RUS"), ("tk", "kk", "ru"), 0.03),
)

FALLBACK_CROSSING_POINTS: dict[str, tuple[str, ...]] = {
    "RUS": ("RUS-TROITSK", "RUS-SAGARCHIN", "RUS-VERKHNIY-LARS", "RUS-SHEREMETYEVO"),
    "KAZ": ("KAZ-ZHIBEK-ZHOLY", "KAZ-KAZYGURT", "KAZ-KORDAY", "KAZ-TAZHEN"),
    "UZB": ("UZB-GISHTKUPRIK", "UZB-OYBEK", "UZB-AYRITOM", "UZB-ALAT"),
    "KGZ": ("KGZ-AK-ZHOL", "KGZ-DOSTUK", "KGZ-KARAMYK"),
    "TJK": ("TJK-FOTEKHOBOD", "TJK-NIZHNY-PYANJ", "TJK-KARAMYK"),
    "TKM": ("TKM-FARAP", "TKM-DASHOGUZ", "TKM-SERHETABAT"),
    "AZE": ("AZE-SAMUR", "AZE-RED-BRIDGE", "AZE-ASTARA"),
    "ARM": ("ARM-BAGRATASHEN", "ARM-AGARAK", "ARM-ZVARTNOTS"),
    "GEO": ("GEO-KAZBEGI", "GEO-SARPI", "GEO-SADAKHLO", "GEO-TBILISI-AIRPORT"),
    "BLR": ("BLR-BREST", "BLR-BRUZGI", "BLR-KAMENNY-LOG"),
}
FALLBACK_MODI = (
    "hidden-in-lorry",
    "hidden-in-car",
    "hidden-in-train",
    "on-foot-green-border",
    "boat",
    "forged-documents",
    "impostor-documents",
    "air-transit-fake-visa",
    "fake-work-invitation",
    "taxi-convoy",
)
FORGED_DOCUMENTS = "forged-documents"


def crossing_points_by_state() -> dict[str, tuple[str, ...]]:
    """The crossing points the reader accepts, by state (the fallback list without it)."""
    try:
        from interagency.channels.reference import crossing_points
    except ImportError:
        return FALLBACK_CROSSING_POINTS
    by_state: dict[str, list[str]] = {}
    for code, point in sorted(crossing_points().items()):
        by_state.setdefault(point.state, []).append(code)
    return {state: tuple(codes) for state, codes in by_state.items()}


def modus_codes() -> tuple[str, ...]:
    try:
        from interagency.channels.reference import modi
    except ImportError:
        return FALLBACK_MODI
    return tuple(sorted(modi()))


# ---------------------------------------------------------------------------
# How each state writes names: (origins written in their own spelling, the standard of
# crossscript_data for everybody else). A standard of None: copied from the passport.
# ---------------------------------------------------------------------------
WRITING: dict[str, tuple[frozenset[str], str | None]] = {
    "RUS": (frozenset({"ru"}), "ru-form"),
    "BLR": (frozenset({"ru"}), "ru-form"),
    "KAZ": (frozenset({"kk", "ru"}), "ru-form"),
    "KGZ": (frozenset({"ky", "ru"}), "ru-form"),
    "TJK": (frozenset({"tg", "ru"}), "ru-form"),
    "UZB": (frozenset({"uz"}), "uz-latin"),
    "TKM": (frozenset({"tk"}), "tk-latin"),
    "AZE": (frozenset({"az"}), "az-latin"),
    "ARM": (frozenset({"hy"}), "ru-form"),
    "GEO": (frozenset({"ka"}), None),
}
PASSPORT_STANDARD = {
    "ru": "icao-9303",
    "kk": "kz-passport",
    "ky": "kz-passport",
    "tg": "tj-passport",
    "uz": "uz-passport",
    "az": "az-passport",
    "tk": "tk-passport",
    "hy": "hy-national",
    "ka": "ka-passport",
}
NATIVE_SCRIPT = {
    "ru": "Cyrl", "kk": "Cyrl", "ky": "Cyrl", "tg": "Cyrl", "uz": "Latn-uz",
    "az": "Latn-az", "tk": "Latn-tm", "hy": "Armn", "ka": "Geor",
}  # fmt: skip
CYRILLIC_STATES = frozenset({"RUS", "BLR", "KAZ", "KGZ", "TJK"})

# ---------------------------------------------------------------------------
# Phones: country calling code, trunk prefix ("" if none), mobile prefixes and the
# length of the rest. Made-up numbers in real mobile ranges.
# ---------------------------------------------------------------------------
PHONE_PLAN: dict[str, tuple[str, str, tuple[str, ...], int]] = {
    "RUS": ("7", "8 ", ("916", "903", "926", "977", "985", "912", "922", "951"), 7),
    "KAZ": ("7", "8 ", ("701", "702", "705", "707", "747", "771", "775", "778"), 7),
    "UZB": ("998", "", ("90", "91", "93", "94", "97", "99", "33", "88"), 7),
    "TJK": ("992", "", ("90", "91", "92", "93", "98", "55"), 7),
    "KGZ": ("996", "0", ("555", "557", "700", "705", "770", "777"), 6),
    "TKM": ("993", "8 ", ("61", "62", "63", "64", "65"), 6),
    "AZE": ("994", "0", ("50", "51", "55", "70", "77"), 7),
    "GEO": ("995", "", ("555", "557", "568", "577", "591", "599"), 6),
    "ARM": ("374", "0", ("77", "91", "93", "94", "95", "98", "99"), 6),
    "BLR": ("375", "8 0", ("29", "33", "44", "25"), 7),
}
# Where "8 10" dials abroad instead of "00".
EIGHT_TEN_STATES = frozenset({"RUS", "KAZ", "BLR", "TKM"})

# ---------------------------------------------------------------------------
# Plates: a pattern per registering country ("L" a letter, "9" a digit, "R" the
# region's digits), its country mark, and letters plates use (look-alike letters for
# Russian plates, whose letters are Cyrillic to begin with).
# ---------------------------------------------------------------------------
PLATE_PATTERNS: dict[str, tuple[str, str]] = {
    "RUS": ("L999LL R", "RUS"),
    "KAZ": ("999LLL R", "KZ"),
    "UZB": ("R L999LL", "UZ"),
    "KGZ": ("R 999LLL", "KG"),
    "TJK": ("9999LL R", "TJ"),
    "AZE": ("R-LL-999", "AZ"),
    "GEO": ("LL-999-LL", "GE"),
    "ARM": ("R LL 999", "AM"),
    "TKM": ("LL 9999", "TM"),
    "BLR": ("9999 LL-7", "BY"),
}
LOOK_ALIKE = "ABEKMHOPCTYX"
CYRILLIC_OF = dict(zip(LOOK_ALIKE, "АВЕКМНОРСТУХ", strict=True))
PLATE_LETTERS = {"RUS": LOOK_ALIKE}
OTHER_PLATE_LETTERS = "ABCDEHKMNOPRSTXYZ"

MIGRANT_NATIONALITIES = {
    "AFG": ("AFG",),
    "TJK": ("TJK", "AFG"),
    "UZB": ("UZB", "TJK"),
    "KGZ": ("KGZ",),
    "TKM": ("TKM", "AFG"),
    "IND": ("IND", "NPL"),
    "BGD": ("BGD",),
    "IRQ": ("IRQ", "SYR"),
    "SYR": ("SYR", "IRQ"),
    "IRN": ("IRN", "AFG"),
    "PAK": ("PAK", "AFG"),
    "VNM": ("VNM",),
}


# ---------------------------------------------------------------------------
# The made-up world
# ---------------------------------------------------------------------------
@dataclass
class Phone:
    country: str
    national: str  # the national significant number
    start: dt.date
    end: dt.date


@dataclass
class Facilitator:
    person: names.Person
    phones: list[Phone] = field(default_factory=list)
    document: str | None = None  # a passport of his own, seen again

    def phone_on(self, day: dt.date) -> Phone | None:
        for phone in self.phones:
            if phone.start <= day <= phone.end:
                return phone
        return None


@dataclass
class Vehicle:
    country: str
    plate: str  # canonical Latin form, with spaces as the pattern has them
    start: dt.date
    end: dt.date


@dataclass
class Channel:
    channel_id: str
    route: tuple[str, ...]
    points: tuple[tuple[str, str], ...]  # crossing points on the route: (state, code)
    modus: str
    start: dt.date
    end: dt.date
    size: int
    facilitators: list[Facilitator]
    vehicles: list[Vehicle]
    series: list[tuple[str, int]]  # forged-document batches: letters, first number
    brokers: list[Facilitator] = field(default_factory=list)
    broker_phone_only: bool = False


@dataclass(frozen=True)
class ChannelsData:
    reports: list[dict[str, str]]
    truth: dict[str, str | None]
    kind: dict[str, str]


class _World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.population = names._Population(rng)
        self.points = crossing_points_by_state()
        self.modi = modus_codes()
        self.used_phones: set[tuple[str, str]] = set()
        self.used_plates: set[str] = set()

    # -- people and their things -----------------------------------------------------
    def person(self, origin_code: str) -> names.Person:
        """A made-up person of `origin_code`'s names (as crossscript_data draws them)."""
        rng = self.rng
        origin = self.population.origins[origin_code]
        male, female, surnames = self.population.pools[origin_code]
        citizenship = names._weighted(rng, origin.citizenship)
        sex = "M" if rng.random() < 0.85 else "F"
        return names.Person(
            pid="",
            origin=origin_code,
            sex=sex,
            given=(male if sex == "M" else female).draw(rng),
            father=male.draw(rng),
            surname=surnames.draw(rng),
            marker_patronymic=rng.random() < origin.p_marker_patronymic,
            birth=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(14000)),
            citizenship=citizenship,
            passports=[],
        )

    def phone_number(self, country: str) -> str:
        _code, _trunk, prefixes, rest = PHONE_PLAN[country]
        while True:
            number = self.rng.choice(prefixes) + "".join(
                self.rng.choice("0123456789") for _ in range(rest)
            )
            if (country, number) not in self.used_phones:
                self.used_phones.add((country, number))
                return number

    def phones_over(self, country: str, start: dt.date, end: dt.date) -> list[Phone]:
        """Phones one after another: each used for 3-10 weeks, then replaced."""
        phones = []
        day = start - dt.timedelta(days=self.rng.randrange(30))
        while day <= end:
            last = day + dt.timedelta(days=self.rng.randint(21, 70))
            phones.append(Phone(country, self.phone_number(country), day, last))
            day = last + dt.timedelta(days=1)
        return phones

    def facilitator(
        self, origin_code: str, route: Sequence[str], start: dt.date, end: dt.date
    ) -> Facilitator:
        person = self.person(origin_code)
        home = person.citizenship if person.citizenship in PHONE_PLAN else None
        members = [state for state in route if state in PHONE_PLAN]
        country = home if home and (home in route or not members) else self.rng.choice(members)
        found = Facilitator(person, self.phones_over(country, start, end))
        if self.rng.random() < P_OWN_DOCUMENT:
            found.document = names._passport_number(self.rng, person.citizenship)
        return found

    def plate(self, country: str) -> str:
        pattern, _mark = PLATE_PATTERNS[country]
        letters = PLATE_LETTERS.get(country, OTHER_PLATE_LETTERS)
        while True:
            out = []
            for symbol in pattern:
                if symbol == "L":
                    out.append(self.rng.choice(letters))
                elif symbol == "9":
                    out.append(self.rng.choice("0123456789"))
                elif symbol == "R":
                    out.append(f"{self.rng.randint(1, 99):02d}")
                else:
                    out.append(symbol)
            plate = "".join(out)
            if plate not in self.used_plates:
                self.used_plates.add(plate)
                return plate

    def vehicles(self, route: Sequence[str], start: dt.date, end: dt.date) -> list[Vehicle]:
        members = [state for state in route if state in PLATE_PATTERNS]
        found = []
        for number in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
            country = self.rng.choice(members)
            # The first vehicle serves from the start; others join (and leave) on the way.
            days = self.rng.randrange(max(1, (end - start).days)) if number else 0
            first = start + dt.timedelta(days=days)
            last = min(end, first + dt.timedelta(days=self.rng.randint(60, 400)))
            found.append(Vehicle(country, self.plate(country), first, last))
        return found

    # -- channels --------------------------------------------------------------------
    def window(self) -> tuple[dt.date, dt.date]:
        span = (LAST_DAY - FIRST_DAY).days
        length = self.rng.randint(45, 420)
        start = FIRST_DAY + dt.timedelta(days=self.rng.randrange(max(1, span - length)))
        return start, min(LAST_DAY, start + dt.timedelta(days=length))

    def points_on(self, route: Sequence[str]) -> list[tuple[str, str]]:
        return [(state, code) for state in route for code in self.points.get(state, ())]

    def route(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        route, origins, _weight = self.rng.choices(ROUTES, weights=[w for *_, w in ROUTES])[0]
        return route, origins

    def channel(self, number: int, size: int) -> Channel:
        rng = self.rng
        route, origins = self.route()
        start, end = self.window()
        points = self.points_on(route)
        chosen = tuple(rng.sample(points, min(len(points), rng.randint(2, 4))))
        modus = rng.choice(self.modi)
        people = [
            self.facilitator(rng.choice(origins), route, start, end)
            for _ in range(rng.randint(2, 6))
        ]
        series = []
        if modus == FORGED_DOCUMENTS or rng.random() < 0.15:
            for _ in range(rng.randint(1, 2)):
                letters = "".join(rng.choice(LOOK_ALIKE) for _ in range(2))
                series.append((letters, rng.randrange(1000, 9999) * 1000 + rng.randrange(0, 30)))
        return Channel(
            f"T{number:05d}", route, chosen, modus, start, end, size, people,
            self.vehicles(route, start, end), series,
        )  # fmt: skip


# ---------------------------------------------------------------------------
# Writing things as a state writes them
# ---------------------------------------------------------------------------
def written_name(rng: random.Random, person: names.Person, agency: str) -> str:
    own, foreign = WRITING.get(agency, (frozenset(), None))
    if person.origin in own and rng.random() >= P_FROM_PASSPORT:
        key = "native"
    elif foreign is not None and rng.random() >= P_FROM_PASSPORT:
        key = foreign
    else:
        key = PASSPORT_STANDARD[person.origin]
    standard = names.STANDARDS[key]
    script = NATIVE_SCRIPT[person.origin] if standard.script == "native" else standard.script
    surname_forms = person.surname_forms()
    native_patronymic, ru_patronymic = person.patronymic()
    if standard.source == "native":
        surname, given, patronymic = surname_forms.native, person.given.native, native_patronymic
    else:
        surname, given, patronymic = surname_forms.ru, person.given.ru, ru_patronymic
    surname = names._apply(standard.function, surname, key, script)
    given = names._apply(standard.function, given, key, script)
    keep = P_PATRONYMIC_CYRILLIC if script == "Cyrl" else P_PATRONYMIC_LATIN
    if patronymic is not None and rng.random() < keep:
        patronymic = names._apply(standard.function, patronymic, key, script)
    else:
        patronymic = None
    if rng.random() < P_TYPO:
        surname = names.typo(rng, surname)
    given_part = f"{given} {patronymic}" if patronymic else given
    roll = rng.random()
    if roll < 0.7:
        full = f"{surname} {given_part}"
    elif roll < 0.9:
        full = f"{given_part} {surname}"
    else:
        full = f"{surname}, {given_part}"
    if rng.random() < P_UPPER and script != "Geor":
        full = names._upper(full, script)
    return full


def _groups(digits: str, sizes: Sequence[int]) -> str:
    out, at = [], 0
    for size in sizes:
        out.append(digits[at : at + size])
        at += size
    if at < len(digits):
        out.append(digits[at:])
    return " ".join(part for part in out if part)


def written_phone(rng: random.Random, phone: Phone, agency: str) -> str:
    """The phone as an officer of `agency` writes it: the local forms at home, the
    international ones for a foreign number."""
    code, trunk, _prefixes, rest = PHONE_PLAN[phone.country]
    national = phone.national
    if rng.random() < P_PHONE_TYPO:
        at = rng.randrange(len(national) - 3, len(national))
        national = national[:at] + rng.choice("0123456789") + national[at + 1 :]
    at_home = PHONE_PLAN.get(agency, ("",))[0] == code
    head, tail = national[:-rest], national[-rest:]
    grouped = _groups(tail, (3, 2, 2) if rest == 7 else (2, 2, 2))
    forms: list[Callable[[], str]]
    if at_home:
        forms = [
            lambda: f"{trunk}{head} {grouped}",
            lambda: f"+{code}({head}){tail}",
            lambda: f"+{code} {head} {grouped}",
            lambda: f"{trunk.replace(' ', '')}{national}",
            lambda: f"00{code}{national}",
            lambda: f"{trunk}({head}) {tail[:3]}-{tail[3:5]}-{tail[5:]}",
        ]
    else:
        abroad = "8 10 " if agency in EIGHT_TEN_STATES else "00"
        forms = [
            lambda: f"+{code} {head} {grouped}",
            lambda: f"+{code}{national}",
            lambda: f"{abroad}{code}{national}",
            lambda: f"+{code}({head}){tail}",
        ]
    return rng.choice(forms)()


def written_plate(rng: random.Random, vehicle: Vehicle, agency: str) -> str:
    plate = vehicle.plate
    if agency in CYRILLIC_STATES and rng.random() < P_CYRILLIC_PLATE:
        plate = "".join(CYRILLIC_OF.get(ch, ch) for ch in plate)
    roll = rng.random()
    if roll < 0.3:
        plate = plate.replace(" ", "").replace("-", "")
    elif roll < 0.4:
        plate = plate.replace("-", " ")
    if rng.random() < P_PLATE_MARK:
        mark = PLATE_PATTERNS[vehicle.country][1]
        plate = f"{plate} {mark}" if rng.random() < 0.7 else f"{mark} {plate}"
    return plate


def written_document(rng: random.Random, letters: str, number: int, agency: str) -> str:
    if agency in CYRILLIC_STATES and rng.random() < 0.5:
        letters = "".join(CYRILLIC_OF.get(ch, ch) for ch in letters)
    separator = rng.choice(("", " ", " ", "-", " №"))
    return f"{letters}{separator}{number:07d}"


def written_date(rng: random.Random, day: dt.date, agency: str) -> str:
    if agency in CYRILLIC_STATES and rng.random() < P_DMY_DATE:
        return day.strftime("%d.%m.%Y")
    return day.isoformat()


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------
def _route_cells(rng: random.Random, route: Sequence[str]) -> tuple[str, str, str]:
    transit = list(route[1:-1])
    if transit and rng.random() < P_PARTIAL_TRANSIT:
        transit = sorted(rng.sample(transit, rng.randrange(len(transit))), key=transit.index)
    return route[0], ";".join(transit), route[-1]


def _direction(route: Sequence[str], state: str, rng: random.Random) -> str:
    if rng.random() < 0.05:
        return "unknown"
    if state == route[0]:
        return "exit"
    if state == route[-1]:
        return "entry"
    return rng.choice(("entry", "exit", "transit"))


def _migrants(rng: random.Random, origin: str) -> tuple[str, str]:
    count = rng.randint(1, 40)
    pool = MIGRANT_NATIONALITIES.get(origin, (origin,))
    first = rng.randint(max(1, count // 2), count) if len(pool) > 1 else count
    parts = {pool[0]: first}
    if count > first:
        parts[pool[1]] = count - first
    return str(count), ";".join(f"{nat}:{n}" for nat, n in parts.items())


def _day_within(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _report(
    rng: random.Random, route: Sequence[str], point: tuple[str, str], modus: str, day: dt.date
) -> dict[str, str]:
    """A report's cells but the facilitators' and their things; `point` is (state, code)."""
    agency, code = point
    origin, transit, destination = _route_cells(rng, route)
    migrants, nationalities = _migrants(rng, route[0])
    return {
        "agency": agency,
        "date": written_date(rng, day, agency),
        "crossing_point": code,
        "origin": origin,
        "transit": transit,
        "destination": destination,
        "modus": modus,
        "migrants": migrants,
        "migrant_nationalities": nationalities,
        "facilitators": "",
        "phones": "",
        "vehicle_plates": "",
        "documents": "",
        "direction": _direction(route, agency, rng),
    }


def _channel_reports(
    rng: random.Random, channel: Channel, modi: Sequence[str]
) -> Iterator[tuple[dict[str, str], str]]:
    broker_reports = (
        set(rng.sample(range(channel.size), min(channel.size, 2))) if channel.brokers else set()
    )
    for index in range(channel.size):
        day = _day_within(rng, channel.start, channel.end)
        modus = channel.modus if rng.random() >= P_OTHER_MODUS else rng.choice(modi)
        row = _report(rng, channel.route, rng.choice(channel.points), modus, day)
        agency = row["agency"]
        if index in broker_reports:
            kind = "broker"
            present = [rng.choice(channel.brokers)]
            if rng.random() < 0.5:
                present.append(rng.choice(channel.facilitators))
        elif rng.random() < P_WEAK_ONLY:
            yield row, "weak-only"
            continue
        else:
            kind = "linked"
            present = rng.sample(
                channel.facilitators, rng.randint(1, min(3, len(channel.facilitators)))
            )
        written_names, phones, documents = [], [], []
        for person in present:
            phone = person.phone_on(day)
            show_name = not (
                kind == "broker" and person in channel.brokers and channel.broker_phone_only
            )
            if show_name:
                written_names.append(written_name(rng, person.person, agency))
            if phone is not None and (rng.random() < P_PHONE_SHOWN or not show_name):
                phones.append(written_phone(rng, phone, agency))
            if person.document and rng.random() < P_OWN_DOCUMENT_SHOWN:
                documents.append(person.document)
        if channel.series and rng.random() < P_SERIES_SHOWN and kind == "linked":
            letters, first = rng.choice(channel.series)
            for _ in range(rng.randint(1, 3)):
                documents.append(written_document(rng, letters, first + rng.randrange(70), agency))
        vehicles = [v for v in channel.vehicles if v.start <= day <= v.end]
        plates = []
        if vehicles and rng.random() < P_PLATE and kind == "linked":
            plates.append(written_plate(rng, rng.choice(vehicles), agency))
        row["facilitators"] = ";".join(written_names)
        row["phones"] = ";".join(phones)
        row["vehicle_plates"] = ";".join(plates)
        row["documents"] = ";".join(dict.fromkeys(documents))
        yield row, kind


def _lone_report(world: _World) -> dict[str, str]:
    rng = world.rng
    route, origins = world.route()
    points = world.points_on(route)
    day = _day_within(rng, FIRST_DAY, LAST_DAY)
    row = _report(rng, route, rng.choice(points), rng.choice(world.modi), day)
    agency = row["agency"]
    people = [
        world.facilitator(rng.choice(origins), route, day, day) for _ in range(rng.randint(0, 2))
    ]
    row["facilitators"] = ";".join(written_name(rng, p.person, agency) for p in people)
    row["phones"] = ";".join(
        written_phone(rng, p.phones[-1], agency) for p in people if rng.random() < P_PHONE_SHOWN
    )
    if rng.random() < P_PLATE:
        vehicles = world.vehicles(route, day, day + dt.timedelta(days=1))
        row["vehicle_plates"] = ";".join(written_plate(rng, v, agency) for v in vehicles[:1])
    return row


def _channel_size(rng: random.Random) -> int:
    median = CHANNEL_SIZE_MEDIAN
    return max(3, min(150, round(rng.lognormvariate(0.0, CHANNEL_SIZE_SIGMA) * median)))


def generate(reports: int, seed: int = 3) -> ChannelsData:
    """`reports` interception reports with planted channels (deterministic for `seed`)."""
    rng = random.Random(seed)
    world = _World(rng)
    planted = round(reports * (1 - P_LONE))
    channels: list[Channel] = []
    total = 0
    while total < planted:
        size = min(_channel_size(rng), max(3, planted - total))
        channels.append(world.channel(len(channels) + 1, size))
        total += size
    for channel in channels:
        if rng.random() < P_BROKER / 2:  # each broker serves two channels
            other = rng.choice(channels)
            if other is channel:
                continue
            broker = rng.choice(channel.facilitators)
            other.brokers.append(broker)
            other.broker_phone_only = rng.random() < P_BROKER_PHONE
            channel.brokers.append(broker)
            # The broker's phones must cover both windows to be seen in both.
            first = min(channel.start, other.start)
            last = max(channel.end, other.end)
            country = broker.phones[0].country if broker.phones else "RUS"
            broker.phones = world.phones_over(country, first, last)

    rows: list[tuple[dict[str, str], str | None, str]] = []
    for channel in channels:
        for row, kind in _channel_reports(rng, channel, world.modi):
            rows.append((row, channel.channel_id, kind))
    while len(rows) < reports:
        rows.append((_lone_report(world), None, "lone"))
    rows = rows[:reports]
    rng.shuffle(rows)

    numbers: dict[tuple[str, str], int] = {}
    out_rows, truth, kinds = [], {}, {}
    for row, channel_id, kind in rows:
        year = row["date"][-4:] if "." in row["date"] else row["date"][:4]
        numbers[(row["agency"], year)] = numbers.get((row["agency"], year), 0) + 1
        report_id = f"{row['agency']}-{year}-{numbers[(row['agency'], year)]:06d}"
        out_rows.append({"report_id": report_id, **row})
        truth[report_id] = channel_id
        kinds[report_id] = kind
    return ChannelsData(out_rows, truth, kinds)


def write(data: ChannelsData, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "REPORTS.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CHANNEL_COLUMNS)
        writer.writeheader()
        writer.writerows(data.reports)
    with (out / "TRUTH.csv").open("w", encoding="utf-8", newline="") as handle:
        writer_ = csv.writer(handle)
        writer_.writerow(("report_id", "channel_id"))
        writer_.writerows((rid, channel or "") for rid, channel in data.truth.items())
    with (out / "META.csv").open("w", encoding="utf-8", newline="") as handle:
        writer_ = csv.writer(handle)
        writer_.writerow(("report_id", "kind"))
        writer_.writerows(data.kind.items())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True, help="folder for REPORTS.csv, TRUTH.csv")
    args = parser.parse_args(argv)
    data = generate(args.reports, args.seed)
    write(data, args.out)
    channels = len({c for c in data.truth.values() if c})
    lone = sum(1 for c in data.truth.values() if c is None)
    print(f"{len(data.reports)} reports, {channels} channels, {lone} lone -> {args.out}")


if __name__ == "__main__":
    main()
