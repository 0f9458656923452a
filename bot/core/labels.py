"""The catalog key of each stored value that is shown in words: a role, a standing, a
meeting's kind, a channel… Every text key is written out in full somewhere in the code,
so a search finds where a text is used and a test finds texts no code uses."""

from __future__ import annotations

from typing import Final

ROLE: Final = {"secretary": "role_secretary", "deputy": "role_deputy",
               "committee_member": "role_committee_member", "member": "role_member",
               "standing": "role_standing"}
UNIT_KIND: Final = {"committee": "kind_committee", "branch": "kind_branch"}
STANDING: Final = {"213": "standing_213", "away": "standing_away", "exempt": "standing_exempt"}
MEETING_KIND: Final = {"regular": "meeting_kind_regular", "thematic": "meeting_kind_thematic",
                       "combined": "meeting_kind_combined",
                       "extraordinary": "meeting_kind_extraordinary"}
MEETING_BUTTON_KIND: Final = {"regular": "meeting_btn_kind_regular",
                              "thematic": "meeting_btn_kind_thematic",
                              "combined": "meeting_btn_kind_combined",
                              "extraordinary": "meeting_btn_kind_extraordinary"}
REPORT_KIND: Final = {"regular": "report_kind_regular", "thematic": "report_kind_thematic",
                      "combined": "report_kind_combined",
                      "extraordinary": "report_kind_extraordinary"}
REPORT_STATUS: Final = {"present": "report_status_present",
                        "excused": "report_status_excused",
                        "unexcused": "report_status_unexcused",
                        "none": "report_status_none",
                        "answer_attend": "report_status_answer_attend",
                        "answer_absent": "report_status_answer_absent",
                        "not_attending": "report_status_not_attending",
                        "not_invited": "report_status_not_invited",
                        "unconfirmed": "report_status_unconfirmed"}
ROLLCALL_STATUS: Final = {"present": "rollcall_present", "excused": "rollcall_excused",
                          "unexcused": "rollcall_unexcused"}
ROLLCALL_ADDED: Final = {"guest": "rollcall_added_guest", "member": "rollcall_added_member"}
RECORD_FIELD: Final = {"full_name": "rec_field_full_name", "birth_date": "rec_field_birth_date",
                       "admitted_on": "rec_field_admitted_on", "joined_on": "rec_field_joined_on",
                       "official_on": "rec_field_official_on", "phone": "rec_field_phone"}
CHANNEL: Final = {"telegram": "channel_telegram", "zalo": "channel_zalo"}
ZALO_CHANNEL: Final = {"telegram": "zalo_channel_telegram", "zalo": "zalo_channel_zalo"}
UNREACHABLE: Final = {"blocked": "unreachable_blocked", "deactivated": "unreachable_deactivated",
                      "not_started": "unreachable_not_started",
                      "chat_not_found": "unreachable_chat_not_found"}
WEEKDAY: Final = ("weekday_0", "weekday_1", "weekday_2", "weekday_3", "weekday_4",
                  "weekday_5", "weekday_6")
