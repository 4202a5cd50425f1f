"""The Dockerfile and compose analyzer: parse, model, profile, rules."""
