"""Claims: binding a blank, pre-printed tag to an asset by scanning it, and where a tag stands."""
