"""Review pages: each article with its grounded values highlighted, and a batch's index.

- render.py     data to one self-contained HTML page (no script, strict CSP)
- sparkline.py  inline SVG charts of a figure across nights
- site.py       the pages of a report file or a batch folder, written to disk
"""
