"""Commune Inventory: registry, labels, handovers and needs of merged communes."""
