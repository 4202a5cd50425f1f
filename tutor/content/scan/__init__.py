"""The image-scanning goal checks: a CI workflow's Trivy gate judged on a recorded report.

``spec`` holds a check's settings, bound to the exercise's recorded report; ``gate`` judges
``scan_gate`` and ``scan_ignores``, and ``pinning`` judges ``pinned_actions``; ``inputs``
says which of the learner's files they read and quotes them in a reason. ``runs`` finds how
a workflow runs Trivy; ``workflow`` reads a GitHub Actions file, ``shell`` the Trivy
commands in its scripts, ``ignore_files`` Trivy's ignore files, and ``trivy`` repeats
Trivy's own filtering on a report. All of it reads text: no I/O.
"""
