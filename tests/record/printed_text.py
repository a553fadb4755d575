"""What printed text may not say: the words of research, storage and files.

A page, the API and the annual report print a record's text (summaries, status notes, mandates,
outlook paragraphs, minutes ...); the secretariat's `notes` may hold how the sources were read,
a printed field never. `source` names a publication and its section, never a file.
"""

import re

# A file of the project or of the documents it was built from (000_91b1998fb8983ee2.txt).
FILE_NAME = (
    r"\b\d{3}_[0-9a-f]{16}\b"
    r"|\b[\w/-]+\.(?:txt|ya?ml|py|json|csv|md)\b"
    r"|\bfixtures?/"
)

# Wherever a user reads: pages, the API, a drafted report (its notes and checklist included).
ANYWHERE = {
    "seeds": r"\bseeds?\b",
    "fixtures": r"\bfixtures?\b",
    "file names": FILE_NAME,
    "storage": r"\bstored (?:as|here|with)\b",
    "what a source lacks": r"\bnot in the\b",
    "what the record lacks": r"\bthe record does not\b",
    "outside knowledge": r"\b(?:outside|general) knowledge\b",
    "what a date lacks": r"\b(?:only the (?:year|month|day) is given"
    r"|(?:year|month|day)s?(?: and (?:year|month|day)s?)? (?:is|are) not (?:given|in|known))\b",
}

# In a record's printed fields, also no reasoning about the record or its sources.
PRINTED = {
    **ANYWHERE,
    "talk of the record": r"\b(?:in the record|the record (?:has|holds|gives|keeps|takes|says|"
    r"is|names|lists|records|uses)|(?:has|have) no record)\b",
    "talk of the sources": r"\bthe (?:documents?|sources?) (?:do|does|did|give|gives|say|says|"
    r"name|names|list|lists|call|calls)\b",
    "unknowns": r"\b(?:is|are) not given\b|\bleft blank\b|\bno (?:date|month|day) is given\b",
    "choices made": r"\b(?:taken (?:as|to be|because)|is taken|judg(?:e)?ment)\b",
    "cross-references": r"\bsee the (?:sub-team|deliverable|structural change|earlier name)\b",
}

# A source says where facts come from: a file name or "seed NNN" is not a publication.
SOURCE = {
    "seeds": ANYWHERE["seeds"],
    "fixtures": ANYWHERE["fixtures"],
    "file names": FILE_NAME,
}
NOTES = SOURCE

# Every source names at least one of the publications the record comes from.
PUBLICATIONS = (
    "ISECG 2024 Annual Report (May 2025)",
    "ISECG 2025 Annual Report (March 2026)",
    "NASA's web page on ISECG",
    "ISECG website, About ISECG (2019)",
    "plenary session 'Fostering International Cooperation for Space Exploration' (Beijing, 2017)",
)


def offences(text: str, rules: dict[str, str]) -> list[str]:
    """'<rule>: <what matched>' for every rule the text breaks."""
    found = []
    for name, pattern in rules.items():
        for match in re.finditer(pattern, text or "", flags=re.IGNORECASE):
            found.append(f"{name}: {match.group(0)!r}")
    return found


def names_a_publication(source: str) -> bool:
    return any(p.casefold() in source.casefold() for p in PUBLICATIONS)
