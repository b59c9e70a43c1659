"""The readable diff of the editors' history: pure text in, marked pieces out."""

from editions.adminkit.diff import (
    ADDED,
    REMOVED,
    SAME,
    ChangedParagraph,
    Piece,
    Unchanged,
    body_diff,
    inline_diff,
    split_paragraphs,
)


def marked(pieces) -> str:
    """Pieces as text with [-removed-] and {+added+} marks, for readable assertions."""
    marks = {SAME: "{}", REMOVED: "[-{}-]", ADDED: "{{+{}+}}"}
    return "".join(marks[piece.kind].format(piece.text) for piece in pieces)


def test_a_one_character_fix_is_shown_as_that_character():
    old, new = inline_diff("本报记者 张三", "本报记者 张山")
    assert (marked(old), marked(new)) == ("本报记者 张[-三-]", "本报记者 张{+山+}")


def test_an_insertion_leaves_the_old_version_unmarked():
    old, new = inline_diff("政策落地", "政策全面落地")
    assert (marked(old), marked(new)) == ("政策落地", "政策{+全面+}落地")


def test_a_single_shared_character_does_not_split_one_edit_in_two():
    old, new = inline_diff("我们的工作", "他们的任务")
    assert marked(old) == "[-我-]们的[-工作-]"
    old, new = inline_diff("甲的乙", "丙的丁")
    assert (marked(old), marked(new)) == ("[-甲的乙-]", "{+丙的丁+}")


def test_a_rewrite_is_shown_whole_rather_than_as_scattered_characters():
    old, new = inline_diff("草原牧民忙打草", "城市夜市重新开张")
    assert old == (Piece(REMOVED, "草原牧民忙打草"),)
    assert new == (Piece(ADDED, "城市夜市重新开张"),)


def test_text_is_never_lost_between_the_pieces():
    before, after = "连日来，锡林郭勒草原上机声隆隆。", "连日来，锡林郭勒大草原上机器隆隆作响。"
    old, new = inline_diff(before, after)
    assert "".join(p.text for p in old) == before
    assert "".join(p.text for p in new) == after


def test_paragraphs_are_split_on_blank_lines_whatever_the_line_ends():
    assert split_paragraphs("甲\r\n\r\n乙\n \n丙\n") == ["甲", "乙", "丙"]


def test_a_body_diff_shows_only_the_changed_paragraph():
    old = "第一段。\n\n## 小标题\n\n第二段有错别子。\n\n第三段。"
    new = "第一段。\n\n## 小标题\n\n第二段有错别字。\n\n第三段。"
    hunks = body_diff(old, new)
    assert [type(h) for h in hunks] == [Unchanged, ChangedParagraph, Unchanged]
    changed = hunks[1]
    assert (changed.old_number, changed.new_number) == (3, 3)
    assert marked(changed.new) == "第二段有错别{+字+}。"


def test_joining_two_paragraphs_marks_the_removed_break():
    hunks = body_diff("上半句，\n\n下半句。", "上半句，下半句。")
    (changed,) = hunks
    assert marked(changed.old) == "上半句，[-¶\n-]下半句。"
    assert marked(changed.new) == "上半句，下半句。"


def test_an_added_paragraph_has_no_old_number():
    (_, added) = body_diff("第一段。", "第一段。\n\n新增一段。")
    assert (added.old_number, added.new_number, added.number) == (None, 2, 2)


def test_long_unchanged_text_around_a_fix_is_trimmed():
    long = "这是一段很长的正文，" * 10
    (changed,) = body_diff(long + "错别子。", long + "错别字。")
    shown = marked(changed.new)
    assert shown.startswith("…")
    assert shown.endswith("错别{+字+}。")
    assert len(shown) < 40
