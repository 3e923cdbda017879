"""What the outputs show, decided once: each leaderboard's view (``leaderboard``, with
``ranking``), its progress chart (``chart``), the site-wide derivations (``site``: models,
papers, feed, areas, computed whole each build) and one frozen, typed context per page
(``pages``).  Nothing here writes a file."""
