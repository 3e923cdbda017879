"""Rules that every stage applies the same way, one module each.

``links`` decides which link targets may be followed; ``text`` what a name or a
markdown field may hold; ``numbers`` how a number may be written.  The loader,
the validators, the importers and the renderers all ask these modules, so a
rule is never decided twice.
"""
