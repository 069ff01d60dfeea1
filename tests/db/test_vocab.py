"""The order a clerk expects: names sorted by their pinyin as a dictionary sorts them."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from db.vocab import institution_key, pinyin_key

# Characters read differently alone and in words (长, 重, 行, 乐, 单 …), place-name characters,
# Latin letters in both widths, digits, spaces and punctuation a name may hold.
_POOL = "长丰镇重庆行银乐山水单县于卫生院室村社区服务中心站綦江青石白河张李阿鲁科尔沁旗蒙医馆AbＸ12３ （）·-"


@settings(deadline=None)  # the first example loads pypinyin's dictionaries
@given(st.text(alphabet=_POOL, max_size=14))
def test_pinyin_keys_are_pypinyins_own_reading(text: str) -> None:
    # Words are read once and kept; the key, and so every list's order, stays exactly what
    # pypinyin.lazy_pinyin gives for the whole text.
    from pypinyin import Style, lazy_pinyin

    assert pinyin_key(text) == " ".join(lazy_pinyin(text, style=Style.TONE3)).lower()


def test_institutions_sort_by_type_then_township_then_name() -> None:
    rows = [{"type": "village_clinic", "township": "白河镇", "name": "白河镇张村卫生室"},
            {"type": "township_hc", "township": "长丰镇", "name": "长丰镇卫生院"},
            {"type": "village_clinic", "township": "白河镇", "name": "白河镇李村卫生室"},
            {"type": "county_tcm_hospital", "township": "城关街道", "name": "县中医医院"},
            {"type": "township_hc", "township": "白河镇", "name": "白河镇卫生院"}]
    assert [r["name"] for r in sorted(rows, key=institution_key)] == [
        "县中医医院", "白河镇卫生院", "长丰镇卫生院", "白河镇李村卫生室", "白河镇张村卫生室"]
