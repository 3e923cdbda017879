"""The built site: its generated files from the page contexts and the page cache
(``build``), stamped sections (``stamping``), lifted blocks (``blocks``), the search index
and sitemap, and writing it whole (``publish``, ``fsutil``).  Nothing here imports MkDocs."""
