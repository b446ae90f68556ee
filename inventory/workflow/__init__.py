"""Workflows: statuses as data, one small state machine per workflow."""
