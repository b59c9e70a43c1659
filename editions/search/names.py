"""The index's table names, one place for every module and migration that needs them."""

ENTRY = "editions_search_entry"  # one row per indexed article: its number and runs
SEGMENT = "editions_search_segment"  # one row per segment: its document numbers
POSTING = "editions_search_posting"  # one row per segment and bucket: packed postings
PENDING = "editions_search_pending"  # articles written since they were last indexed
STATE = "editions_search_state"  # SQLite: the last segment number given
