"""Helpers of the hostile-input property test (``tests/e2e/test_hostile.py``)."""
