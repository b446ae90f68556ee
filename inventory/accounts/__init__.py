"""Accounts: users, roles, unit scope, login sessions and bearer tokens."""
