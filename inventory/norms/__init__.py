"""Norms: the legal figures (office area, shared allowance, required rooms, equipment) as
data an admin edits, each with its source, confidence, validity and version."""
