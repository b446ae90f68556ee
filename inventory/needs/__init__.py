"""Needs: room shortfall and equipment gap against the norms, derived, never typed in."""
