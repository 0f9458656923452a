"""The officers' console: the domain side of the Mini App's API.

Who is asking comes from Telegram's signed init data (:mod:`bot.console.initdata`), then
the same :mod:`bot.core.permissions` as a chat command; every screen calls the public
service functions the chat uses (roll call, members, reports), never SQL of its own.
"""
