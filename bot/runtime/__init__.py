"""The runtime: the composition root (``app``), update processing (``updates``), the
outbox sender and Telegram transport (``delivery``), the command line (``cli``) and its
operator tools (``operator``).

With ``bot.demo``, the only package of ``bot/`` that may import ``telegram`` or
``handlers``; handlers and the domain never import it.
"""
