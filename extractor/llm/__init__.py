"""Talking to a model: prompts, the disk cache, the one client that imports openai and
instructor (live calls and the provider's Batch API), deadlines, token estimates and
recorded cassettes.

- prompts.py       prompt versions (YAML) and their hashes
- cache.py         the disk cache of results, keyed on everything that changes the answer
- client.py        one validated structured call: retries, re-asks, errors mapped to ours
- batch_api.py     the provider's Batch API: upload, poll, download, validate
- deadline.py      time limits on whole requests and on all tries together
- retry_after.py   how long a provider asks us to wait
- library_logs.py  what openai, httpx2 and instructor may log
- tokens.py        offline token estimates
- recording.py     vcrpy cassettes: record once, replay offline
"""
