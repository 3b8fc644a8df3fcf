"""The patterns that display names, user ids, uids and emails must match (the REST schemas use them,
and so does the OpenAPI document built from those)."""

from __future__ import annotations

import re

# Spelled out rather than \s, whose meaning differs between regex engines (Python, ECMA, Rust): the
# patterns below mean the same in the service, in the OpenAPI document and in its clients.
# C0 and C1 control characters and the bidirectional overrides that can disguise a name:
CONTROL = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# Blanks of every kind:
_BLANK = r"\x20\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
# At least one visible character and no control character.
DISPLAY_NAME_PATTERN = rf"^[^{CONTROL}]*[^{_BLANK}{CONTROL}][^{CONTROL}]*$"
USER_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$")
UID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_EMAIL_CHAR = rf"[^@{_BLANK}{CONTROL}]"
EMAIL_PATTERN = re.compile(rf"^{_EMAIL_CHAR}{{1,64}}@{_EMAIL_CHAR}{{1,253}}\.[^@.{_BLANK}{CONTROL}]{{2,63}}$")
