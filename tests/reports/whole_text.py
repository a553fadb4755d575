"""A drafted report's content model as plain text, line by line: every heading (with its level
and anchor), paragraph, note, bullet (with its link), member row and checklist item (with its
section, who to ask and where it is fixed). Two drafts read the same exactly when their texts
are equal, so a golden text pins every word, its order and every link of a draft.

Addresses are written with the names of what they open ("/deliverables/<GER 2024>/"), not
database ids: ids depend on what ran before in the same database."""

import re
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from apps.deliverables.models import Deliverable
from apps.groups.models import AppointmentAccount, OutlookItem, StructuralChange, WorkingGroup
from apps.reports.content import Report

# The URL names whose `pk` opens a record, and the model it names.
PK_MODELS = {
    "web:deliverable": Deliverable,
    "web:group": WorkingGroup,
    "web:change": StructuralChange,
    "web:appointment-dates-settle": AppointmentAccount,
}


def _named(model, pk: int) -> str:
    thing = model.objects.filter(pk=pk).first()
    if thing is None:
        return f"<no {model.__name__} {pk}>"
    if isinstance(thing, WorkingGroup):
        return thing.acronym
    if isinstance(thing, StructuralChange):  # its str() carries its id
        return f"{thing.kind} of {'/'.join(sorted(g.acronym for g in thing.groups.all()))}"
    return str(thing)


def stable_address(url: str) -> str:
    """`url` with each record id replaced by the name of the record it opens."""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is not None:
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        model = PK_MODELS.get(name)
        if model is not None and "pk" in match.kwargs:
            path = path.replace(
                f"/{match.kwargs['pk']}/", f"/<{_named(model, match.kwargs['pk'])}>/"
            )
    fragment = parts.fragment
    outlook = re.fullmatch(r"outlook-(\d+)", fragment)
    if outlook:
        item = OutlookItem.objects.select_related("group").filter(pk=outlook[1]).first()
        group = item.group.acronym if item and item.group else "ISECG"
        fragment = (
            f"outlook-<{group} {item.year if item else '?'}: {item.text[:40] if item else '?'}>"
        )
    stable = f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else path
    if parts.query:
        stable += f"?{parts.query}"
    if fragment:
        stable += f"#{fragment}"
    return stable


def stable_text(text: str) -> str:
    """`text` with each tracker path in it ("/changes/12/") named as stable_address names it."""
    return re.sub(r"(?<![\w/.])/[a-z-]+/\d+/", lambda m: stable_address(m[0]), text)


def whole_text(report: Report) -> str:
    lines = [
        f"kicker: {report.kicker}",
        f"title: {report.title}",
        f"date: {report.date_line}",
        f"organisation: {report.organisation}",
    ]
    for section in report.sections:
        lines.append(f"\n# {section.title}  {{#{section.anchor}}}")
        for block in section.blocks:
            if block.kind == "heading":
                lines.append(f"{'#' * block.level} {block.text}  {{#{block.anchor}}}")
            elif block.kind == "paragraph":
                link = f"  <{stable_address(block.url)}>" if block.url else ""
                lines.append(f"{stable_text(block.text)}{link}")
            elif block.kind == "note":
                lines.append(f"[{stable_text(block.text)}]")
            elif block.kind == "bullets":
                for item in block.items:
                    link = f"  <{stable_address(item.url)}>" if item.url else ""
                    lines.append(f"{'  ' * (item.level - 1)}- {item.text}{link}")
            elif block.kind == "members":
                lines.append(f"members: {block.agency_count} agencies")
                lines += [f"| {row.country} | {'; '.join(row.agencies)} |" for row in block.rows]
            elif block.kind == "checklist":
                for item in block.items:
                    lines.append(f"* [{item.section}] {stable_text(item.what)}")
                    lines.append(f"    ask: {item.ask}")
                    if item.fix_at:
                        lines.append(f"    fix at: {stable_address(item.fix_at)}")
            else:  # a new kind of block must be written here before a golden text can hold it
                raise AssertionError(f"no text form for a {block.kind} block")
        if section.subheadings:
            lines.append(f"(contents: {' / '.join(h.text for h in section.subheadings)})")
    lines.append(f"\nchecklist items: {len(report.checklist)}")
    return "\n".join(lines) + "\n"
