"""Exams for training sign-off: drawing questions, attempts, signed records, exports.

Headless: `results list|export|verify` use this package without importing Textual.
"""
