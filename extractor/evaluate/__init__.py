"""Measuring extraction: field scores against gold, precision and recall of key facts,
prompt comparison, and nightly health without gold."""
