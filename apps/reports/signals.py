"""Progress of a running draft, for whoever watches in the same process.

The draft's row carries the same progress for watchers elsewhere (the admin, a polling
command); this signal lets the command print each section as it happens when the task runs
in-process (no broker configured). Sent with draft_id, section and percent.
"""

from django.dispatch import Signal

draft_progressed = Signal()
