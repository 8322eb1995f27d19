# ruff: noqa: E501  (a table of names: one country a line reads best)
"""Country names as the United Nations writes them (UNTERM short names), in the six
official languages, where they differ from the Unicode CLDR names that Babel gives
("Russia" -> "Russian Federation", "Vatican City" -> "Holy See"); and the ISO 3166
entries that are nobody's country of residence (uninhabited territories), which the
forms do not offer. consult.i18n.countries applies both."""

from __future__ import annotations

# Uninhabited, or with no permanent population: no applicant comes from there.
NOT_OFFERED = frozenset({"AQ", "BV", "HM", "GS", "UM", "TF", "IO"})

# code -> {language: UNTERM short name}
UN_NAMES: dict[str, dict[str, str]] = {
    "BO": {
        "en": "Bolivia (Plurinational State of)",
        "fr": "Bolivie (État plurinational de)",
        "es": "Bolivia (Estado Plurinacional de)",
        "ru": "Боливия (Многонациональное Государство)",
        "zh": "多民族玻利维亚国",
        "ar": "بوليفيا (دولة - المتعددة القوميات)",
    },
    "BN": {
        "en": "Brunei Darussalam",
        "fr": "Brunéi Darussalam",
        "es": "Brunei Darussalam",
        "ru": "Бруней-Даруссалам",
        "zh": "文莱达鲁萨兰国",
        "ar": "بروني دار السلام",
    },
    "CD": {
        "en": "Democratic Republic of the Congo",
        "fr": "République démocratique du Congo",
        "es": "República Democrática del Congo",
        "ru": "Демократическая Республика Конго",
        "zh": "刚果民主共和国",
        "ar": "جمهورية الكونغو الديمقراطية",
    },
    "CG": {
        "en": "Congo",
        "fr": "Congo",
        "es": "Congo",
        "ru": "Конго",
        "zh": "刚果",
        "ar": "الكونغو",
    },
    "CI": {
        "en": "Côte d’Ivoire",
        "fr": "Côte d’Ivoire",
        "es": "Côte d’Ivoire",
        "ru": "Кот-д’Ивуар",
        "zh": "科特迪瓦",
        "ar": "كوت ديفوار",
    },
    "CV": {
        "en": "Cabo Verde",
        "fr": "Cabo Verde",
        "es": "Cabo Verde",
        "ru": "Кабо-Верде",
        "zh": "佛得角",
        "ar": "كابو فيردي",
    },
    "CZ": {
        "en": "Czechia",
        "fr": "Tchéquie",
        "es": "Chequia",
        "ru": "Чехия",
        "zh": "捷克",
        "ar": "تشيكيا",
    },
    "FM": {
        "en": "Micronesia (Federated States of)",
        "fr": "Micronésie (États fédérés de)",
        "es": "Micronesia (Estados Federados de)",
        "ru": "Микронезия (Федеративные Штаты)",
        "zh": "密克罗尼西亚联邦",
        "ar": "ميكرونيزيا (ولايات - الموحدة)",
    },
    "GB": {
        "en": "United Kingdom of Great Britain and Northern Ireland",
        "fr": "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord",
        "es": "Reino Unido de Gran Bretaña e Irlanda del Norte",
        "ru": "Соединенное Королевство Великобритании и Северной Ирландии",
        "zh": "大不列颠及北爱尔兰联合王国",
        "ar": "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية",
    },
    "IR": {
        "en": "Iran (Islamic Republic of)",
        "fr": "Iran (République islamique d’)",
        "es": "Irán (República Islámica del)",
        "ru": "Иран (Исламская Республика)",
        "zh": "伊朗伊斯兰共和国",
        "ar": "إيران (جمهورية - الإسلامية)",
    },
    "KP": {
        "en": "Democratic People’s Republic of Korea",
        "fr": "République populaire démocratique de Corée",
        "es": "República Popular Democrática de Corea",
        "ru": "Корейская Народно-Демократическая Республика",
        "zh": "朝鲜民主主义人民共和国",
        "ar": "جمهورية كوريا الشعبية الديمقراطية",
    },
    "KR": {
        "en": "Republic of Korea",
        "fr": "République de Corée",
        "es": "República de Corea",
        "ru": "Республика Корея",
        "zh": "大韩民国",
        "ar": "جمهورية كوريا",
    },
    "LA": {
        "en": "Lao People’s Democratic Republic",
        "fr": "République démocratique populaire lao",
        "es": "República Democrática Popular Lao",
        "ru": "Лаосская Народно-Демократическая Республика",
        "zh": "老挝人民民主共和国",
        "ar": "جمهورية لاو الديمقراطية الشعبية",
    },
    "MD": {
        "en": "Republic of Moldova",
        "fr": "République de Moldova",
        "es": "República de Moldova",
        "ru": "Республика Молдова",
        "zh": "摩尔多瓦共和国",
        "ar": "جمهورية مولدوفا",
    },
    "MM": {
        "en": "Myanmar",
        "fr": "Myanmar",
        "es": "Myanmar",
        "ru": "Мьянма",
        "zh": "缅甸",
        "ar": "ميانمار",
    },
    "NL": {
        "en": "Netherlands (Kingdom of the)",
        "fr": "Pays-Bas (Royaume des)",
        "es": "Países Bajos (Reino de los)",
        "ru": "Нидерланды (Королевство)",
        "zh": "荷兰王国",
        "ar": "هولندا (مملكة -)",
    },
    "PS": {
        "en": "State of Palestine",
        "fr": "État de Palestine",
        "es": "Estado de Palestina",
        "ru": "Государство Палестина",
        "zh": "巴勒斯坦国",
        "ar": "دولة فلسطين",
    },
    "RU": {
        "en": "Russian Federation",
        "fr": "Fédération de Russie",
        "es": "Federación de Rusia",
        "ru": "Российская Федерация",
        "zh": "俄罗斯联邦",
        "ar": "الاتحاد الروسي",
    },
    "SY": {
        "en": "Syrian Arab Republic",
        "fr": "République arabe syrienne",
        "es": "República Árabe Siria",
        "ru": "Сирийская Арабская Республика",
        "zh": "阿拉伯叙利亚共和国",
        "ar": "الجمهورية العربية السورية",
    },
    "TR": {
        "en": "Türkiye",
        "fr": "Türkiye",
        "es": "Türkiye",
        "ru": "Турция",
        "zh": "土耳其",
        "ar": "تركيا",
    },
    "TZ": {
        "en": "United Republic of Tanzania",
        "fr": "République-Unie de Tanzanie",
        "es": "República Unida de Tanzanía",
        "ru": "Объединенная Республика Танзания",
        "zh": "坦桑尼亚联合共和国",
        "ar": "جمهورية تنزانيا المتحدة",
    },
    "US": {
        "en": "United States of America",
        "fr": "États-Unis d’Amérique",
        "es": "Estados Unidos de América",
        "ru": "Соединенные Штаты Америки",
        "zh": "美利坚合众国",
        "ar": "الولايات المتحدة الأمريكية",
    },
    "VA": {
        "en": "Holy See",
        "fr": "Saint-Siège",
        "es": "Santa Sede",
        "ru": "Святой Престол",
        "zh": "教廷",
        "ar": "الكرسي الرسولي",
    },
    "VE": {
        "en": "Venezuela (Bolivarian Republic of)",
        "fr": "Venezuela (République bolivarienne du)",
        "es": "Venezuela (República Bolivariana de)",
        "ru": "Венесуэла (Боливарианская Республика)",
        "zh": "委内瑞拉玻利瓦尔共和国",
        "ar": "فنزويلا (جمهورية - البوليفارية)",
    },
    "VN": {
        "en": "Viet Nam",
        "fr": "Viet Nam",
        "es": "Viet Nam",
        "ru": "Вьетнам",
        "zh": "越南",
        "ar": "فييت نام",
    },
    # The English "and" in place of CLDR's "&" (UNTERM spells it out).
    "AG": {"en": "Antigua and Barbuda"},
    "BA": {"en": "Bosnia and Herzegovina"},
    "KN": {"en": "Saint Kitts and Nevis"},
    "LC": {"en": "Saint Lucia"},
    "VC": {"en": "Saint Vincent and the Grenadines"},
    "ST": {"en": "Sao Tome and Principe"},
    "TT": {"en": "Trinidad and Tobago"},
    "HK": {"en": "China, Hong Kong Special Administrative Region"},
    "MO": {"en": "China, Macao Special Administrative Region"},
}


def un_name(code: str, language: str) -> str | None:
    """The UN's name of a country in `language` where it differs from CLDR's, or None."""
    return UN_NAMES.get(code, {}).get(language)
