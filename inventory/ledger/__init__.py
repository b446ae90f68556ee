"""The fixed-asset books: an asset's card (thẻ tài sản cố định) and a unit's yearly report
of assets increased and decreased, both derived from the registry and its history."""
