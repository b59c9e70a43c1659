"""The index's table names, one place for every module and migration that needs them."""

ENTRY = "editions_search_entry"  # one row per indexed article: its number and runs
SEGMENT = "editions_search_segment"  # one row per segment: its document numbers
POSTING = "editions_search_posting"  # one row per segment and bucket: packed postings
PENDING = "editions_search_pending"  # articles written since they were last indexed
STATE = "editions_search_state"  # SQLite: the last segment number given


#: A number whose article left (deleted, or indexed again under a new number) is
#: *retired*, never deleted: its row stays without article or text, so the number is
#: never given again and the postings that still list it never point at another
#: article. (Without that, a word of one or two characters, exact in the postings,
#: would need its text checked too.) A rebuild starts without them.
def retire(table: str = ENTRY) -> str:
    """The statement that retires numbers (add its ``WHERE``), on ``table`` (a rebuild's)."""
    return f"UPDATE {table} SET article_id = NULL, head = '', body = ''"


RETIRE = retire()
