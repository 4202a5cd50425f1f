"""Learner records: progress through the course (and, later, exam attempts)."""
