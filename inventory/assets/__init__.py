"""Assets: labelled things (or counted lots of small items) held by a unit, where they stand."""
