"""The runtime: the composition root, update processing, delivery and the CLI.

The only package of ``bot/`` that may import ``telegram`` or ``handlers``.
"""
