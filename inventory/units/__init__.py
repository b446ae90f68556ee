"""Units: provinces, communes, wards, former units and the merger lineage between them."""
