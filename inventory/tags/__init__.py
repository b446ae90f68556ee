"""Tags: short codes with a check character, printed as QR labels, bound to an asset for life."""
