"""Which continent each country (ISO 3166-1 alpha-2) is on, so the stats can name the gaps."""

from __future__ import annotations

# The Americas are split at Panama; the Caribbean counts as North America.
_CODES_BY_CONTINENT = {
    "Africa": (
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY "
        "MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW"
    ),
    "Asia": (
        "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM "
        "NP KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE IO CX CC"
    ),
    "Europe": (
        "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG HU IS IE IM IT JE XK LV LI LT "
        "LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB VA"
    ),
    "North America": (
        "AI AG AW BS BB BZ BM BQ VG CA KY CR CU CW DM DO SV GL GD GP GT HT HN JM MQ MX MS NI PA "
        "PR BL KN LC MF PM VC SX TT TC US VI UM"
    ),
    "South America": "AR BO BR CL CO EC FK GF GY PY PE SR UY VE",
    "Oceania": "AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF",
    "Antarctica": "AQ BV GS HM TF",
}

CONTINENT_OF: dict[str, str] = {
    code: continent for continent, codes in _CODES_BY_CONTINENT.items() for code in codes.split()
}

# The continents a directory can be expected to reach (nobody is faulted for Antarctica).
INHABITED_CONTINENTS = [name for name in _CODES_BY_CONTINENT if name != "Antarctica"]


def continent_of(country: str) -> str | None:
    return CONTINENT_OF.get(country.upper())
