"""Notifications: what a user is told in the app (and by e-mail where configured)."""
