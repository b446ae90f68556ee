"""Equipment requests: a unit asks for the norm items it lacks, leaders endorse and decide."""
