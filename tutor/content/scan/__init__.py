"""The image-scanning goal checks: a CI workflow's Trivy gate judged on a recorded report.

``checks`` holds the three goal checks (``scan_gate``, ``scan_ignores``, ``pinned_actions``);
``runs`` finds how a workflow runs Trivy; ``workflow`` reads a GitHub Actions file,
``shell`` the Trivy commands in its scripts, ``ignore_files`` Trivy's ignore files, and
``trivy`` repeats Trivy's own filtering on a report. All of it reads text: no I/O.
"""
