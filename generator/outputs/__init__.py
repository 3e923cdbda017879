"""Text made from views: escaping at the edge and the Jinja templates (``render``), the
data exports (``exports``), the README's generated sections (``readme``)."""
