"""``hardening-tutor serve``: the app for a whole class, one confined process per learner.

Only ``command`` is imported by the command line; the rest (and aiohttp, textual-serve)
loads when ``serve`` runs, so the headless commands and the app never pay for it.
"""
