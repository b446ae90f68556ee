"""Staffing: per unit, its positions, the norm group of each, and how many hold it."""
