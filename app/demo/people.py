"""Invented names, streets and self-reported backgrounds for the demo families: no real person."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from random import Random
from typing import TypeVar

from app.families.models import RaceEthnicity as R

T = TypeVar("T")


@dataclass(frozen=True)
class NamePool:
    """Given and family names plausible for caregivers who prefer one language."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]


NAMES = {
    "en": NamePool(
        female=(
            "Emma",
            "Olivia",
            "Harper",
            "Abigail",
            "Madison",
            "Chloe",
            "Grace",
            "Hannah",
            "Zoe",
            "Aaliyah",
            "Destiny",
            "Jasmine",
            "Brianna",
            "Kayla",
            "Leah",
            "Nora",
        ),
        male=(
            "Liam",
            "Noah",
            "James",
            "Elijah",
            "Lucas",
            "Mason",
            "Caleb",
            "Wyatt",
            "Jayden",
            "Malik",
            "Isaiah",
            "Andre",
            "Tyler",
            "Owen",
            "Marcus",
            "Ethan",
        ),
        family=(
            "Johnson",
            "Williams",
            "Brown",
            "Miller",
            "Davis",
            "Wilson",
            "Anderson",
            "Thomas",
            "Jackson",
            "Harris",
            "Thompson",
            "Robinson",
            "Walker",
            "Carter",
            "Brooks",
            "Bennett",
            "Sullivan",
            "Murphy",
            "Coleman",
            "Reed",
        ),
    ),
    "es": NamePool(
        female=(
            "María",
            "Guadalupe",
            "Sofía",
            "Valentina",
            "Camila",
            "Ximena",
            "Daniela",
            "Lucía",
            "Mariana",
            "Isabella",
            "Fernanda",
            "Rosa",
            "Carmen",
            "Yesenia",
        ),
        male=(
            "José",
            "Juan",
            "Luis",
            "Carlos",
            "Miguel",
            "Santiago",
            "Mateo",
            "Diego",
            "Alejandro",
            "Jesús",
            "Emiliano",
            "Javier",
            "Héctor",
            "Andrés",
        ),
        family=(
            "García",
            "Hernández",
            "López",
            "Martínez",
            "Rodríguez",
            "González",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Flores",
            "Cruz",
            "Morales",
            "Reyes",
            "Ortiz",
            "Castillo",
            "Vargas",
        ),
    ),
    "vi": NamePool(
        female=("Linh", "Lan", "Mai", "Thảo", "Ngọc", "Hương", "Trang", "Vy"),
        male=("Minh", "Huy", "Tuấn", "Khang", "Bảo", "Phúc", "Long", "Nam"),
        family=("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"),
    ),
    "ar": NamePool(
        female=("Fatima", "Mariam", "Noor", "Layla", "Amira", "Huda", "Salma", "Yasmin"),
        male=("Ahmed", "Omar", "Yousef", "Khalid", "Hassan", "Karim", "Sami", "Ali"),
        family=("Haddad", "Al-Sayed", "Mansour", "Khalil", "Nasser", "Hamdan", "Abdullah", "Saleh"),
    ),
    "zh": NamePool(
        female=("Mei", "Xiuying", "Lina", "Jing", "Yan", "Hui", "Xin", "Yutong"),
        male=("Wei", "Jun", "Hao", "Lei", "Ming", "Jian", "Tao", "Yichen"),
        family=("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"),
    ),
    "ht": NamePool(
        female=(
            "Marie",
            "Nadège",
            "Fabiola",
            "Widline",
            "Mirlande",
            "Roseline",
            "Darline",
            "Guerline",
        ),
        male=("Jean", "Wesley", "Ricardo", "Stanley", "Fritz", "Pierre", "Evens", "Reginald"),
        family=(
            "Joseph",
            "Jean-Baptiste",
            "Pierre",
            "Louis",
            "Charles",
            "Désir",
            "Étienne",
            "Augustin",
            "Toussaint",
            "Saint-Fleur",
        ),
    ),
    "so": NamePool(
        female=("Hodan", "Amina", "Faadumo", "Sahra", "Ifrah", "Hawa"),
        male=("Abdi", "Mohamed", "Abdirahman", "Farah", "Ayaan", "Liban"),
        family=("Warsame", "Farah", "Hussein", "Jama", "Osman", "Yusuf"),
    ),
    "pt": NamePool(
        female=("Ana", "Beatriz", "Larissa", "Juliana", "Gabriela", "Letícia"),
        male=("João", "Pedro", "Gustavo", "Rafael", "Thiago", "Vinícius"),
        family=("Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida"),
    ),
}

#: Every demo family's language is drawn from these weights, after the opening households have
#: shown each one once, so the schedule always has families who need an interpreter.
LANGUAGE_WEIGHTS = {"en": 38, "es": 34, "vi": 6, "ar": 6, "zh": 6, "ht": 6, "so": 3, "pt": 3}

#: Self-reported categories a demo caregiver of each language might give; None = not asked yet.
BACKGROUNDS: dict[str, tuple[tuple[R, ...] | None, ...]] = {
    "en": (
        (R.WHITE,),
        (R.BLACK_AFRICAN_AMERICAN,),
        (R.WHITE, R.HISPANIC_LATINO),
        (R.BLACK_AFRICAN_AMERICAN, R.WHITE),
        (R.AMERICAN_INDIAN_ALASKA_NATIVE,),
        (R.NATIVE_HAWAIIAN_PACIFIC_ISLANDER,),
        (R.ASIAN,),
        (R.DECLINED,),
        None,
    ),
    "es": (
        (R.HISPANIC_LATINO,),
        (R.HISPANIC_LATINO, R.WHITE),
        (R.HISPANIC_LATINO, R.AMERICAN_INDIAN_ALASKA_NATIVE),
        None,
    ),
    "vi": ((R.ASIAN,), None),
    "zh": ((R.ASIAN,), None),
    "ar": ((R.MIDDLE_EASTERN_NORTH_AFRICAN,), None),
    "ht": ((R.BLACK_AFRICAN_AMERICAN,), None),
    "so": ((R.BLACK_AFRICAN_AMERICAN,), None),
    "pt": ((R.WHITE,), (R.BLACK_AFRICAN_AMERICAN, R.WHITE), None),
}

STREETS = (
    "Elm Street",
    "River Road",
    "Maple Avenue",
    "Harbor Way",
    "Chestnut Street",
    "Mill Lane",
    "Union Avenue",
    "Park Terrace",
    "Cedar Court",
    "Bridge Street",
)


def draw(rng: Random, weights: Mapping[T, int]) -> T:
    """One key of `weights`, chosen in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def household_language(rng: Random, index: int) -> str:
    """The first households show every language once; the rest follow LANGUAGE_WEIGHTS."""
    languages = list(LANGUAGE_WEIGHTS)
    return languages[index] if index < len(languages) else draw(rng, LANGUAGE_WEIGHTS)


def given_name(rng: Random, language: str, *, is_female: bool, taken: Collection[str] = ()) -> str:
    """A given name for the language, other than those `taken` in the family already."""
    pool = NAMES[language].female if is_female else NAMES[language].male
    return rng.choice([name for name in pool if name not in taken] or pool)


def family_name(rng: Random, language: str) -> str:
    return rng.choice(NAMES[language].family)


def background(rng: Random, language: str) -> list[str] | None:
    """A self-reported race/ethnicity list (values of RaceEthnicity), or None when not given."""
    chosen = rng.choice(BACKGROUNDS[language])
    return [category.value for category in chosen] if chosen else None


def address(rng: Random) -> str:
    return f"{rng.randint(10, 980)} {rng.choice(STREETS)}, Riverside"


def email_for(given: str, family: str) -> str:
    """An address at the reserved example.com domain (RFC 2606), so no message can reach anyone."""
    return f"{_ascii(given)}.{_ascii(family)}@example.com"


def _ascii(name: str) -> str:
    name = name.replace("Đ", "D").replace("đ", "d")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())
