"""Invented personal numbers with valid formats and checksums."""

from __future__ import annotations

import random
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# Area codes of the first six digits (real format; which one goes with which place does not matter).
AREA_CODES = (
    "110105",
    "110108",
    "120103",
    "130102",
    "310104",
    "320106",
    "320583",
    "330106",
    "340104",
    "350203",
    "360102",
    "370102",
    "410105",
    "420111",
    "430104",
    "440305",
    "440106",
    "450103",
    "500103",
    "510107",
    "520102",
    "530102",
    "610113",
    "620102",
    "650102",
    "652801",
    "150102",
    "210102",
    "230103",
    "360730",
    "421002",
    "511602",
)


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident ID number."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_is_valid(number: str) -> bool:
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return id_check_digit(number[:17]) == number[17]


def make_id(rng: random.Random, birth: date, sex: str, *, want_x: bool = False) -> str:
    area = rng.choice(AREA_CODES)
    for _ in range(2000):
        seq = rng.randrange(0, 100)
        sex_digit = rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8))
        first17 = f"{area}{birth:%Y%m%d}{seq:02d}{sex_digit}"
        check = id_check_digit(first17)
        if (check == "X") == want_x:
            return first17 + check
    raise AssertionError("no ID found")  # pragma: no cover


def make_old_id(rng: random.Random, birth: date, sex: str) -> str:
    """15-digit ID number of the first generation (no check digit, two-digit year)."""
    sex_digit = rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8))
    return f"{rng.choice(AREA_CODES)}{birth:%y%m%d}{rng.randrange(10, 100):02d}{sex_digit}"


MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "145",
    "147",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "170",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "195",
    "198",
    "199",
)


def make_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def make_landline(rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"010-{rng.randrange(2, 9)}{rng.randrange(0, 10**7):07d}"
    if style == 1:
        return f"0755-{rng.randrange(2, 9)}{rng.randrange(0, 10**7):07d}"
    if style == 2:
        return f"(025){rng.randrange(5, 9)}{rng.randrange(0, 10**7):07d}"
    return f"021-{rng.randrange(5, 7)}{rng.randrange(0, 10**7):07d}"


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


CARD_PREFIXES = (
    "622202",
    "622848",
    "621700",
    "621483",
    "622588",
    "625965",
    "436742",
    "621226",
    "623668",
    "622908",
    "621799",
    "622262",
)


def make_card(rng: random.Random, length: int | None = None) -> str:
    length = length or rng.choice((16, 16, 17, 18, 19, 19, 19))
    prefix = rng.choice(CARD_PREFIXES)
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError  # pragma: no cover


HANDLES = (
    "sunny",
    "tiger",
    "xiaoyu",
    "qingfeng",
    "mingyue",
    "happy",
    "lucky",
    "star",
    "ocean",
    "blue_sky",
    "wind",
    "dragon",
    "panda",
    "maple",
    "river",
    "snow",
    "cloud",
    "moon",
    "leo",
    "amy",
    "jack",
    "lily",
    "kevin",
    "echo",
)
DOMAINS = (
    "163.com",
    "126.com",
    "qq.com",
    "sina.com",
    "foxmail.com",
    "139.com",
    "gmail.com",
    "hotmail.com",
    "yeah.net",
    "sohu.com",
)


def make_email(rng: random.Random) -> str:
    domain = rng.choice(DOMAINS)
    if domain == "qq.com" and rng.random() < 0.6:
        return f"{rng.randrange(10**7, 10**10)}@qq.com"
    sep = rng.choice(("", "_", ".", ""))
    return f"{rng.choice(HANDLES)}{sep}{rng.randrange(1, 2000)}@{domain}"


def make_passport(rng: random.Random) -> str:
    letters = "EGPKMNCA"
    return rng.choice(letters) + f"{rng.randrange(10**7, 10**8)}"


def make_plate(rng: random.Random) -> str:
    return (
        rng.choice("苏京粤浙川鄂湘")
        + rng.choice("ABCDE")
        + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5))
    )
