"""Photos of assets: what an officer's camera saw, re-encoded by the server and kept for good."""
