"""The demo consultation and the stakeholder categories in the other five UN languages
(`consult demo seed` adds whichever are missing)."""

from __future__ import annotations

# Per language: the consultation's title, venue and description.
DEMO = {
    "fr": {
        "title": "Consultations ouvertes sur les mécanismes financiers permettant de relever "
        "les défis des TIC au service du développement",
        "venue": "Palais des Nations, Genève, Suisse",
        "description": """\
Le Groupe des Nations Unies sur la société de l'information (GNUSI) tient des consultations \
ouvertes sur les mécanismes financiers permettant de relever les défis des technologies de \
l'information et de la communication au service du développement, objet de la partie B de \
l'Agenda de Tunis pour la société de l'information.

Les consultations dressent le bilan de la manière dont les financements publics et privés, \
l'aide au développement et les instruments nouveaux peuvent réduire la fracture numérique, \
et examinent ce que le système des Nations Unies devrait faire ensuite. Leurs conclusions \
éclaireront les travaux du GNUSI et de ses membres.

La réunion est ouverte aux représentants des gouvernements et des organisations \
internationales ainsi qu'aux personnes issues de la société civile et du secteur privé. \
Les personnes qui souhaitent y prendre une part active, en qualité d'orateur principal ou \
de panéliste, sont invitées à présenter leur candidature en proposant un thème ; le \
secrétariat compose un programme équilibré entre les groupes de parties prenantes et les \
régions. Toute personne peut demander à y assister.

La participation est gratuite. Les participants organisent eux-mêmes leur voyage et leurs \
visas ; le secrétariat peut fournir une lettre de confirmation une fois la participation \
confirmée.""",
    },
    "es": {
        "title": "Consultas abiertas sobre los mecanismos financieros para afrontar los "
        "desafíos de las TIC para el desarrollo",
        "venue": "Palacio de las Naciones, Ginebra, Suiza",
        "description": """\
El Grupo de las Naciones Unidas sobre la Sociedad de la Información (UNGIS) celebra \
consultas abiertas sobre los mecanismos financieros para afrontar los desafíos de las \
tecnologías de la información y las comunicaciones para el desarrollo, tema de la parte B \
de la Agenda de Túnez para la Sociedad de la Información.

Las consultas hacen balance de cómo la financiación pública y privada, la asistencia para \
el desarrollo y los nuevos instrumentos pueden reducir la brecha digital, y examinan qué \
debería hacer a continuación el sistema de las Naciones Unidas. Sus conclusiones servirán \
de base para la labor del UNGIS y de sus miembros.

La reunión está abierta a representantes de los gobiernos y de las organizaciones \
internacionales, así como a personas de la sociedad civil y del sector privado. Quienes \
deseen participar activamente, como orador principal o panelista, están invitados a \
presentar su solicitud con un tema propuesto; la secretaría elabora un programa \
equilibrado entre los grupos de partes interesadas y las regiones. Cualquier persona puede \
solicitar asistir.

La participación es gratuita. Los participantes se encargan de su viaje y sus visados; la \
secretaría puede facilitar una carta de confirmación una vez confirmada la participación.""",
    },
    "ar": {
        "title": "مشاورات مفتوحة بشأن الآليات المالية لمواجهة تحديات تسخير تكنولوجيا "
        "المعلومات والاتصالات لأغراض التنمية",
        "venue": "قصر الأمم، جنيف، سويسرا",
        "description": """\
يعقد فريق الأمم المتحدة المعني بمجتمع المعلومات مشاورات مفتوحة بشأن الآليات المالية \
لمواجهة تحديات تسخير تكنولوجيا المعلومات والاتصالات لأغراض التنمية، وهو موضوع الجزء باء \
من برنامج عمل تونس لمجتمع المعلومات.

وتقيّم المشاورات كيف يمكن للتمويل العام والخاص والمساعدة الإنمائية والأدوات الجديدة أن \
تسدّ الفجوة الرقمية، وتبحث ما ينبغي لمنظومة الأمم المتحدة أن تفعله بعد ذلك. وتسترشد \
بنتائجها أعمال الفريق وأعضائه.

والاجتماع مفتوح لممثلي الحكومات والمنظمات الدولية وللأفراد من المجتمع المدني والقطاع \
الخاص. ويُدعى من يرغب في المشاركة الفعلية، بصفة متحدث رئيسي أو عضو في فريق نقاش، إلى \
تقديم طلب يقترح فيه موضوعاً؛ وتعدّ الأمانة برنامجاً متوازناً بين فئات أصحاب المصلحة \
والمناطق. ويجوز لأي شخص أن يطلب الحضور.

والمشاركة مجانية. ويتولى المشاركون ترتيب سفرهم وتأشيراتهم بأنفسهم؛ ويمكن للأمانة أن \
تقدّم رسالة تأكيد بعد تأكيد المشاركة.""",
    },
    "zh": {
        "title": "关于应对信息通信技术促进发展挑战的融资机制的公开磋商",
        "venue": "瑞士日内瓦万国宫",
        "description": """\
联合国信息社会小组（UNGIS）就应对信息通信技术促进发展挑战的融资机制举行公开磋商，\
这是《信息社会突尼斯议程》B部分的主题。

磋商将评估公共和私营资金、发展援助和新型工具如何能够弥合数字鸿沟，并探讨联合国系统下一步\
应采取的行动。磋商成果将为联合国信息社会小组及其成员的工作提供参考。

会议向各国政府和国际组织的代表以及民间社会和私营部门的个人开放。希望以主旨发言人或小组\
讨论嘉宾身份积极参与者，请提交申请并提出拟议主题；秘书处将编排一个在各利益攸关方群体和\
各区域之间保持平衡的议程。任何人均可申请出席。

参会免费。与会者自行安排旅行和签证；参会确认后，秘书处可出具确认函。""",
    },
    "ru": {
        "title": "Открытые консультации по финансовым механизмам для решения задач "
        "использования ИКТ в целях развития",
        "venue": "Дворец Наций, Женева, Швейцария",
        "description": """\
Группа Организации Объединённых Наций по информационному обществу (ЮНГИС) проводит \
открытые консультации по финансовым механизмам для решения задач использования \
информационно-коммуникационных технологий в целях развития — теме части B Тунисской \
программы для информационного общества.

В ходе консультаций будет оценено, каким образом государственное и частное \
финансирование, помощь в целях развития и новые инструменты могут сократить цифровой \
разрыв, и рассмотрено, что системе Организации Объединённых Наций следует делать дальше. \
Их итоги лягут в основу работы ЮНГИС и её членов.

Совещание открыто для представителей правительств и международных организаций, а также \
для представителей гражданского общества и частного сектора. Желающим принять активное \
участие в качестве основного докладчика или участника дискуссии предлагается подать \
заявку с предлагаемой темой; секретариат составит программу, сбалансированную по группам \
заинтересованных сторон и регионам. Подать заявку на участие в качестве слушателя может \
любой желающий.

Участие бесплатное. Участники самостоятельно организуют поездку и оформление виз; после \
подтверждения участия секретариат может предоставить письмо-подтверждение.""",
    },
}

# Per language: the role offers' descriptions, by role value.
OFFERS = {
    "fr": {
        "keynote": "Une allocution de 15 minutes ouvrant l'une des sessions. Présentez votre "
        "candidature avec un thème proposé.",
        "panelist": "Une place dans l'un des quatre panels modérés, avec une déclaration "
        "liminaire de 5 minutes.",
        "attendee": "Assister à la réunion en personne et prendre la parole lors du débat ouvert.",
    },
    "es": {
        "keynote": "Una intervención de 15 minutos para abrir una de las sesiones. Presente "
        "su solicitud con un tema propuesto.",
        "panelist": "Un puesto en uno de los cuatro paneles moderados, con una declaración "
        "inicial de 5 minutos.",
        "attendee": "Asistir a la reunión en persona y tomar la palabra en el debate abierto.",
    },
    "ar": {
        "keynote": "كلمة مدتها 15 دقيقة تُفتتح بها إحدى الجلسات. قدّم طلبك مع موضوع مقترح.",
        "panelist": "مقعد في أحد أفرقة النقاش الأربعة التي يديرها مُيسّر، مع بيان افتتاحي "
        "مدته 5 دقائق.",
        "attendee": "حضور الاجتماع شخصياً وأخذ الكلمة في المناقشة المفتوحة.",
    },
    "zh": {
        "keynote": "在其中一场会议开幕时作15分钟的发言。申请时请提出拟议主题。",
        "panelist": "在四个有主持人的小组讨论之一中担任嘉宾，并作5分钟的开场陈述。",
        "attendee": "亲自出席会议，并在公开讨论中发言。",
    },
    "ru": {
        "keynote": "15-минутное выступление, открывающее одно из заседаний. Подайте заявку с "
        "предлагаемой темой.",
        "panelist": "Место в одной из четырёх модерируемых дискуссий с 5-минутным вступительным "
        "словом.",
        "attendee": "Личное присутствие на совещании и возможность выступить в ходе открытой "
        "дискуссии.",
    },
}

# Per language: stakeholder categories by code, as (name, description).
CATEGORIES = {
    "fr": {
        "government": ("Gouvernement", "Représentants des gouvernements."),
        "international_organization": (
            "Organisation internationale",
            "Représentants des organisations internationales.",
        ),
        "civil_society": ("Société civile", "Personnes issues de la société civile."),
        "private_sector": ("Secteur privé", "Personnes issues du secteur privé."),
        "academic_technical": (
            "Milieux universitaires et techniques",
            "Personnes issues des milieux universitaires et de la communauté technique.",
        ),
    },
    "es": {
        "government": ("Gobierno", "Representantes de los gobiernos."),
        "international_organization": (
            "Organización internacional",
            "Representantes de las organizaciones internacionales.",
        ),
        "civil_society": ("Sociedad civil", "Personas de la sociedad civil."),
        "private_sector": ("Sector privado", "Personas del sector privado."),
        "academic_technical": (
            "Comunidad académica y técnica",
            "Personas del ámbito académico y de la comunidad técnica.",
        ),
    },
    "ar": {
        "government": ("الحكومات", "ممثلو الحكومات."),
        "international_organization": ("المنظمات الدولية", "ممثلو المنظمات الدولية."),
        "civil_society": ("المجتمع المدني", "أفراد من المجتمع المدني."),
        "private_sector": ("القطاع الخاص", "أفراد من القطاع الخاص."),
        "academic_technical": (
            "الأوساط الأكاديمية والتقنية",
            "أفراد من الأوساط الأكاديمية والمجتمع التقني.",
        ),
    },
    "zh": {
        "government": ("政府", "各国政府的代表。"),
        "international_organization": ("国际组织", "国际组织的代表。"),
        "civil_society": ("民间社会", "来自民间社会的个人。"),
        "private_sector": ("私营部门", "来自私营部门的个人。"),
        "academic_technical": ("学术和技术界", "来自学术界和技术界的个人。"),
    },
    "ru": {
        "government": ("Правительство", "Представители правительств."),
        "international_organization": (
            "Международная организация",
            "Представители международных организаций.",
        ),
        "civil_society": ("Гражданское общество", "Представители гражданского общества."),
        "private_sector": ("Частный сектор", "Представители частного сектора."),
        "academic_technical": (
            "Академическое и техническое сообщество",
            "Представители академических кругов и технического сообщества.",
        ),
    },
}

# Per language: the demo programme's session titles, in the order of
# consult.demo.seed.DEMO_PROGRAMME.
SESSIONS = {
    "fr": [
        "Ouverture des consultations",
        "Allocutions principales : financer la décennie numérique",
        "Panel 1 : Financement public et aide au développement",
        "Pause café",
        "Panel 2 : Investissement privé et financement mixte",
        "Déjeuner",
        "Allocutions principales : combler le déficit de financement",
        "Panel 3 : Fonds de service universel et réseaux locaux",
        "Panel 4 : Mesurer les résultats du financement",
        "Débat ouvert",
        "Clôture",
    ],
    "es": [
        "Apertura de las consultas",
        "Intervenciones principales: financiar la década digital",
        "Panel 1: Financiación pública y asistencia para el desarrollo",
        "Pausa para el café",
        "Panel 2: Inversión privada y financiación combinada",
        "Almuerzo",
        "Intervenciones principales: cerrar la brecha de financiación",
        "Panel 3: Fondos de servicio universal y redes locales",
        "Panel 4: Medir los resultados de la financiación",
        "Debate abierto",
        "Clausura",
    ],
    "ar": [
        "افتتاح المشاورات",
        "الكلمات الرئيسية: تمويل العقد الرقمي",
        "فريق النقاش 1: التمويل العام والمساعدة الإنمائية",
        "استراحة قهوة",
        "فريق النقاش 2: الاستثمار الخاص والتمويل المختلط",
        "الغداء",
        "الكلمات الرئيسية: سد فجوة التمويل",
        "فريق النقاش 3: صناديق الخدمة الشاملة والشبكات المحلية",
        "فريق النقاش 4: قياس ما يحققه التمويل",
        "مناقشة مفتوحة",
        "الاختتام",
    ],
    "zh": [
        "磋商开幕",
        "主旨发言：为数字十年提供资金",
        "小组讨论一：公共资金与发展援助",
        "茶歇",
        "小组讨论二：私人投资与混合融资",
        "午餐",
        "主旨发言：弥合融资缺口",
        "小组讨论三：普遍服务基金与本地网络",
        "小组讨论四：衡量融资成效",
        "公开讨论",
        "闭幕",
    ],
    "ru": [
        "Открытие консультаций",
        "Основные доклады: финансирование цифрового десятилетия",
        "Дискуссия 1: государственное финансирование и помощь в целях развития",
        "Перерыв на кофе",
        "Дискуссия 2: частные инвестиции и смешанное финансирование",
        "Обед",
        "Основные доклады: устранение дефицита финансирования",
        "Дискуссия 3: фонды универсальных услуг и местные сети",
        "Дискуссия 4: оценка результатов финансирования",
        "Открытая дискуссия",
        "Закрытие",
    ],
}

# The demo's own questions on the application form: (label, kind, required, roles,
# options) in English, and the other languages (label, options) by label.
QUESTIONS = [
    ("Do you need a letter of invitation to apply for a visa?", "yes_no", True, (), ()),
    (
        "Which financing mechanisms will you address?",
        "choices",
        False,
        ("keynote", "panelist"),
        (
            "Blended finance",
            "Universal service funds",
            "Public-private partnerships",
            "Development bank lending",
        ),
    ),
]
QUESTION_TEXTS = {
    "fr": [
        ("Avez-vous besoin d’une lettre d’invitation pour demander un visa\u00a0?", ()),
        (
            "Quels mécanismes de financement aborderez-vous\u00a0?",
            (
                "Financement mixte",
                "Fonds de service universel",
                "Partenariats public-privé",
                "Prêts des banques de développement",
            ),
        ),
    ],
    "es": [
        ("¿Necesita una carta de invitación para solicitar un visado?", ()),
        (
            "¿Qué mecanismos de financiación abordará?",
            (
                "Financiación combinada",
                "Fondos de servicio universal",
                "Asociaciones público-privadas",
                "Préstamos de bancos de desarrollo",
            ),
        ),
    ],
    "ar": [
        ("هل تحتاج إلى رسالة دعوة لطلب تأشيرة؟", ()),
        (
            "ما آليات التمويل التي ستتناولها؟",
            (
                "التمويل المختلط",
                "صناديق الخدمة الشاملة",
                "الشراكات بين القطاعين العام والخاص",
                "قروض مصارف التنمية",
            ),
        ),
    ],
    "zh": [
        ("您是否需要邀请函以申请签证？", ()),
        (
            "您将谈及哪些筹资机制？",
            ("混合融资", "普遍服务基金", "公私伙伴关系", "开发银行贷款"),
        ),
    ],
    "ru": [
        ("Нужно ли Вам приглашение для получения визы?", ()),
        (
            "Какие механизмы финансирования Вы затронете?",
            (
                "Смешанное финансирование",
                "Фонды универсального обслуживания",
                "Государственно-частное партнёрство",
                "Кредиты банков развития",
            ),
        ),
    ],
}

# The review criteria (name, weight, what to look for), and their names in the other
# languages, in the same order.
CRITERIA = [
    (
        "Relevance to financing ICT for development",
        3,
        "Does the proposal speak to how connectivity and digital services get financed?",
    ),
    ("Regional perspective", 2, "Does it bring the view of a region the programme lacks?"),
    ("Originality", 1, ""),
]
CRITERIA_NAMES = {
    "fr": [
        "Pertinence pour le financement des TIC au service du développement",
        "Perspective régionale",
        "Originalité",
    ],
    "es": [
        "Pertinencia para la financiación de las TIC para el desarrollo",
        "Perspectiva regional",
        "Originalidad",
    ],
    "ar": [
        "الصلة بتمويل تكنولوجيا المعلومات والاتصالات من أجل التنمية",
        "المنظور الإقليمي",
        "الأصالة",
    ],
    "zh": ["与为信息通信技术促进发展筹资的相关性", "区域视角", "原创性"],
    "ru": [
        "Значимость для финансирования ИКТ в целях развития",
        "Региональная перспектива",
        "Оригинальность",
    ],
}
