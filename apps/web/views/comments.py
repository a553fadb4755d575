"""A revision's comments, threaded, and the forms to comment on it or reply, for the people
who may while the deliverable is in WG review or a consensus round."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.core.errors import ApplicationError
from apps.documents.comments import OPEN_FOR_COMMENTS, comment_post, may_comment
from apps.documents.models import Comment, Revision

from ..forms.comments import CommentForm
from ..throttling import moves_throttled
from .common import refused


def _revision(pk: int, number: int) -> Revision:
    return get_object_or_404(
        Revision.objects.select_related("deliverable__lead_group", "uploaded_by").defer("text"),
        deliverable_id=pk,
        number=number,
    )


def comments_url(revision: Revision) -> str:
    return reverse("web:revision-comments", args=[revision.deliverable_id, revision.number])


def _threads(revision: Revision) -> list[Comment]:
    """The revision's comments in one query, each with its `children` (replies, oldest first);
    the top-level ones are returned."""
    comments = list(revision.comments.select_related("author"))
    by_id = {c.pk: c for c in comments}
    for comment in comments:
        comment.children = []
    top = []
    for comment in comments:  # ordered by time: a reply comes after its parent
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else top).append(comment)
    return top


@require_http_methods(["GET", "HEAD", "POST"])
def revision_comments(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    revision = _revision(pk, number)
    if request.method == "POST":
        return _post(request, revision)
    return comments_page(request, revision)


def comments_page(
    request: HttpRequest, revision: Revision, *, bound: CommentForm | None = None, status=200
) -> HttpResponse:
    """`bound`: a refused comment or reply, shown again where it was written, with its errors."""
    deliverable = revision.deliverable
    open_now = deliverable.state in OPEN_FOR_COMMENTS
    may = open_now and may_comment(request.user)
    reply_to = getattr(bound, "reply_to", None)
    form = bound if bound is not None and not reply_to else CommentForm()
    return render(
        request,
        "web/revision_comments.html",
        {
            "deliverable": deliverable,
            "revision": revision,
            "threads": _threads(revision),
            "may_comment": may,
            "open_now": open_now,
            "form": form if may else None,
            "reply_form": bound if reply_to else None,
            "reply_to": reply_to,
        },
        status=status,
    )


@moves_throttled
def _post(request: HttpRequest, revision: Revision) -> HttpResponse:
    form = CommentForm(request.POST, reply_to=_reply_to(request))
    if form.is_valid():
        data = form.cleaned_data
        parent = None
        if data["parent"] is not None:
            parent = Comment.objects.filter(pk=data["parent"]).first()
        try:
            if data["parent"] is not None and parent is None:
                raise ApplicationError(
                    "The comment you reply to does not exist: reload the page and reply again."
                )
            comment = comment_post(
                revision=revision,
                actor=request.user,
                body=data["body"],
                quote=data["quote"],
                parent=parent,
            )
        except ApplicationError as error:
            fields = (error.extra or {}).get("fields") or {}
            named = next((f for f in ("quote", "body") if f in fields), None)
            # Not about what was written (who, the deliverable's state, a parent not on this
            # page): said at the top of the page.
            if named is None:
                return refused(request, error, back=comments_url(revision))
            form.add_error(named, error.message)
        else:
            said = "Reply posted." if comment.parent_id else "Comment posted."
            messages.success(request, said)
            return redirect(comments_url(revision) + f"#comment-{comment.pk}")
    return comments_page(request, revision, bound=form, status=400)


def _reply_to(request: HttpRequest) -> int | None:
    """The comment a reply form was under (its ids are unique per comment); not trusted."""
    value = request.POST.get("parent", "")
    return int(value) if value.isdigit() and len(value) < 12 else None
