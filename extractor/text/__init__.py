"""Article text: bytes to text, cleaning the page furniture away, folding Vietnamese for
comparison, and the normalizers the schema's validators need.

- cleaning.py   decode, refuse what is not an article, HTML to text, cut page furniture
- normalize.py  numbers, names and titles, document codes, folding (used by the schema,
                grounding, scoring and the offline extractor)
"""

from extractor.text.cleaning import check_size, clean, decode, html_to_text, too_long

__all__ = ["check_size", "clean", "decode", "html_to_text", "too_long"]
