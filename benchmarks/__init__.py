"""Speed figures (not tests). Every figure of the README from one command:

python -m benchmarks [--quick]
"""
