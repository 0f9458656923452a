"""Shared foundations: who is asking and what they may do, errors, the clock, config,
services, Vietnamese formatting, parsing, paging, logs and the button codecs."""
