"""The deployment: what is set once for all its servers, workers and commands."""
