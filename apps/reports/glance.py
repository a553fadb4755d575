"""Annex IV, "ISECG at a Glance": the forum's standing description.

The text is not a fact of any one year, so the database has no row for it: it is the text of
the published reports (seeds 000 and 001, Annex IV, identical in both), kept here verbatim.
The one number that changes, the count of member agencies, comes from the record. Edit the
wording in the drafted DOCX; change it here only when ISECG changes its standing description.
"""

SCOPE = [
    (
        "paragraph",
        "ISECG, the International Space Exploration Coordination Group serves as the forum where "
        "space agencies work together on means of strengthening individual exploration programs, "
        "facilitating collaborations and advancing the Global Exploration Strategy (GES) through "
        "the coordination of participating members' mutual efforts in space exploration. ISECG "
        "also supports promoting interest and engagement in space exploration activities "
        "throughout society. By the end of 2022, ISECG membership counted 27 government "
        "organisations responsible for space activities.",
    ),
    (
        "paragraph",
        "The scope of ISECG is broad and strategic. Its activities are based on the following "
        "principles:",
    ),
    (
        "bullets",
        [
            (1, "Open and inclusive"),
            (
                2,
                "ISECG receives inputs from all interested space agencies that invest in and "
                "perform space exploration activities.",
            ),
            (
                2,
                "ISECG provides for consultations among all agencies with a vested interest in "
                "space exploration.",
            ),
            (1, "Flexible and evolutionary"),
            (2, "Existing consultation and coordination mechanisms are considered."),
            (1, "Effective"),
            (2, "ISECG workshops and products provide value to individual participating members."),
            (1, "Of mutual interest"),
            (2, "ISECG activities benefit all participants and respect national prerogatives."),
            (
                1,
                "ISECG activities allow for optional participation based on the level of interest.",
            ),
            (
                2,
                "ISECG participants focus on developing non-binding products - findings, "
                "recommendations and other outputs as necessary – based on consensus.",  # noqa: RUF001
            ),
        ],
    ),
]

BACKGROUND = [
    (
        "paragraph",
        "In May 2007, an initial group of 14 space agencies jointly released “The Global "
        "Exploration Strategy: The Framework for Coordination”. It describes a shared vision of "
        "coordinated human and robotic space exploration focused on solar system destinations "
        "where humans may one day live and work.",
    ),
    ("paragraph", "The GES identifies a common set of exploration themes and benefits:"),
    (
        "bullets",
        [
            (1, "New knowledge in science and technology"),
            (1, "A sustained presence – extending human frontiers"),  # noqa: RUF001
            (1, "Economic expansion"),
            (1, "A global partnership"),
            (1, "Inspiration and education"),
        ],
    ),
    (
        "paragraph",
        "One of the many Framework document findings was the need to facilitate information "
        "exchange among individual agencies regarding their interests, plans and activities in "
        "space exploration. Therefore, the GES called for a voluntary, non-binding coordination "
        "mechanism among interested space agencies. This call led to the establishment of ISECG "
        "by the participating agencies including the formulation of Terms of Reference (ToR).",
    ),
    (
        "paragraph",
        # {members}: the member agencies at the end of the report's year (the published reports
        # kept "27" in 2025, a year ISECG had 28 members).
        "The International Space Exploration Coordination Group (ISECG) is a voluntary, "
        "non-binding coordination forum of {members} space agencies with the common aim of "
        "advancing space exploration through exchanging information, objectives, and plans. "
        "ISECG participating agencies coordinate to develop consensus-based, non-binding "
        "products (e.g., roadmaps, white papers, and technical reports). ISECG member agencies "
        "are committed to fostering discussions among participating agencies and developing "
        "products that enable members to effectively plan space exploration activities. This "
        "work is implemented through working groups and guided by a group of senior agency "
        "managers from ISECG participating agencies.",
    ),
]
