"""The nightly batch: an inbox in, one result per article out, resumable and within limits.

- inbox.py      finding articles in a folder or a JSONL feed
- store.py      the SQLite state: articles, results, runs, Batch API jobs
- ratelimit.py  requests and tokens per minute, and the provider's pauses
- run.py        one run: scan, plan, extract (live or through the Batch API), record
- reports.py    the reports.jsonl lines, appended as a night's results are recorded
- stats.py      per-night field statistics
- export.py     results as JSONL or CSV
"""
