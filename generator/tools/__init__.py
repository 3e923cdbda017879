"""Commands around the data: ``add`` a result, ``diff`` two revisions, ``bench`` the
build, and ``skeleton`` (``leaderboard init``)."""
