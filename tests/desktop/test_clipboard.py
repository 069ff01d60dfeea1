"""Excel's clipboard text read and written back (issue 15, finding 6)."""

from hypothesis import given, strategies as st

from desktop.clipboard import from_text, to_text


def test_a_block_as_excel_writes_it() -> None:
    # CRLF line ends, a trailing line end, a cell with Alt+Enter and one with a quote and a tab.
    text = '太溪镇卫生院\t35\t\r\n"第一行\n第二行"\t"说""好""\t了"\t9\r\n'
    assert from_text(text) == [["太溪镇卫生院", "35", ""], ["第一行\n第二行", '说"好"\t了', "9"]]


def test_lf_only_ragged_rows_and_a_lone_quote() -> None:
    assert from_text('a\tb\nc\n') == [["a", "b"], ["c", ""]]
    assert from_text('5"\t6') == [['5"', "6"]]
    assert from_text('"未闭合\t7') == [['"未闭合', "7"]]
    assert from_text("") == []
    assert from_text("\r\n") == [[""]]


cells = st.text(alphabet=st.sampled_from(list('ab中"\t\n\r ,1')), max_size=6)


@given(st.integers(1, 4).flatmap(
    lambda w: st.lists(st.lists(cells, min_size=w, max_size=w), min_size=1, max_size=4)))
def test_what_is_copied_pastes_back_the_same(block: list[list[str]]) -> None:
    assert from_text(to_text(block)) == block
