"""United Nations regional groups of member states, by ISO 3166-1 alpha-2 code.

The five groups used for geographical balance. Countries and territories that are not
in a group (observers, territories) count as "other".
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AFRICAN = "african"
ASIA_PACIFIC = "asia_pacific"
EASTERN_EUROPEAN = "eastern_european"
LATIN_AMERICAN_CARIBBEAN = "latin_american_caribbean"
WESTERN_EUROPEAN_OTHERS = "western_european_others"
OTHER = "other"

REGION_LABELS = {
    AFRICAN: _l("African States"),
    ASIA_PACIFIC: _l("Asia-Pacific States"),
    EASTERN_EUROPEAN: _l("Eastern European States"),
    LATIN_AMERICAN_CARIBBEAN: _l("Latin American and Caribbean States"),
    WESTERN_EUROPEAN_OTHERS: _l("Western European and other States"),
    OTHER: _l("Other (not in a regional group)"),
}

_MEMBERS = {
    AFRICAN: (
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS "
        "LR LY MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW"
    ),
    ASIA_PACIFIC: (
        "AF BH BD BT BN KH CN CY FJ IN ID IR IQ JP JO KZ KI KW KG LA LB MY MV MH FM MN MM "
        "NR NP KP OM PK PW PG PH QA KR WS SA SG SB LK SY TJ TH TL TO TM TV AE UZ VU VN YE"
    ),
    EASTERN_EUROPEAN: "AL AM AZ BY BA BG HR CZ EE GE HU LV LT ME MD PL RO RU RS SK SI MK UA",
    LATIN_AMERICAN_CARIBBEAN: (
        "AG AR BS BB BZ BO BR CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN "
        "LC VC SR TT UY VE"
    ),
    WESTERN_EUROPEAN_OTHERS: (
        "AD AU AT BE CA DK FI FR DE GR IS IE IL IT LI LU MT MC NL NZ NO PT SM ES SE CH TR GB US"
    ),
}

REGION_OF_COUNTRY = {code: region for region, codes in _MEMBERS.items() for code in codes.split()}


def region_of(country: str) -> str:
    return REGION_OF_COUNTRY.get(country, OTHER)


def region_labels() -> dict[str, str]:
    """Region keys to their labels in the current language, in display order."""
    return {key: str(label) for key, label in REGION_LABELS.items()}
