"""Rooms: the working rooms of a site, scoped through the unit holding the site."""
