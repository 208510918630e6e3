"""Instructor and student tooling behind the ``course`` command (never imported by notebooks).

``cli`` (the command), ``catalog`` (lessons and the course folder), ``workspace``
(``course start``), ``notebook_io`` (clean, atomic notebook reads and writes),
``executor`` (run a notebook in a fresh kernel), ``generator`` (exercises from solutions),
``course_runner`` (``course run``: execute the course), ``site`` (the course website built
from the executed notebooks), ``grader`` (``course grade``).
"""
