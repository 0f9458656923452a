"""The Zalo channel's rules, without Zalo's HTTP: codes that link a person, the text
replies members type instead of buttons, and how a message reads without buttons."""
