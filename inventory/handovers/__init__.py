"""Handovers (form 02/TSC-BBGN): sites, rooms and assets passing from one unit to another."""
