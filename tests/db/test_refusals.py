"""Values that cannot be true are refused by the data layer itself, naming the field."""

from typing import Any

from hypothesis import given, strategies as st
import pytest

from db.county import CountyFile
from db.errors import ValidationError


@pytest.mark.parametrize(
    ("values", "label", "reason"),
    [
        ({"physicians": 3, "tcm_physicians": 4}, "中医类别执业（助理）医师数", "不能多于"),
        ({"visits": 100, "tcm_visits": 101}, "中医诊疗人次", "不能多于总诊疗人次"),
        # Counts as the tables write them (the merge dialog says why a mix cannot stand).
        ({"visits": 29_400, "tcm_visits": 39_088}, "中医诊疗人次（39,088）",
         "不能多于总诊疗人次（29,400）"),
        ({"tech_categories": 7, "tech_items": 6}, "适宜技术类数", "不能多于适宜技术项数"),
        ({"physicians": 10, "tcm_physicians": 4, "west_learn_tcm": 7}, "西学中人数",
         "不能多于非中医类别医师数（6）"),
        ({"physicians": -1}, "执业（助理）医师数", "不能为负数"),
        ({"tcm_gps": -2}, "中医类别全科医生数", "不能为负数"),
        ({"visits": 1.5}, "总诊疗人次", "应为整数"),
        ({"tcm_corner": 2}, "是否设置中医阁", "应为“是”或“否”"),
        ({"hall_state": "精品"}, "中医馆达标情况", "不是可选的值"),
        ({"hall_state": "none", "hall_grade": "model"}, "中医馆等级", "未建中医馆"),
    ],
)
def test_impossible_institution_facts(county: CountyFile, centre: str, values: dict[str, Any],
                                      label: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        county.set_institution_year(centre, 2024, values)
    assert str(caught.value).startswith(label) and reason in str(caught.value)
    assert county.rows("institution_year") == []


@pytest.mark.parametrize(
    ("values", "label"),
    [
        ({"elderly_population": 100, "elderly_managed": 101},
         "接受中医药健康管理的65岁及以上居民数"),
        ({"infant_population": 10, "infant_managed": 11}, "接受中医药健康管理的0-36个月儿童数"),
        ({"resident_population": 1000, "alliance_population": 1001}, "医联体覆盖人口"),
        ({"resident_population": -5}, "常住人口"),
        ({"satisfaction": 1.2}, "群众中医药服务满意率"),
    ],
)
def test_served_more_than_population(county: CountyFile, values: dict[str, Any],
                                     label: str) -> None:
    with pytest.raises(ValidationError, match=f"^{label}"):
        county.set_county_year(2024, values)


@pytest.mark.parametrize("date", ["1999-12-31", "2101-01-01", "2024-02-30", "2024/3/5", "昨天"])
def test_activity_dates_must_be_real_and_in_range(county: CountyFile, centre: str,
                                                  date: str) -> None:
    with pytest.raises(ValidationError, match="^活动日期"):
        county.insert("activity", {"institution_id": centre, "date": date, "kind": "义诊",
                                   "title": "义诊"})


@pytest.mark.parametrize("date", ["2000-01-01", "2100-12-31", "2024-02-29"])
def test_activity_dates_at_the_edges_are_kept(county: CountyFile, centre: str, date: str) -> None:
    county.insert("activity", {"institution_id": centre, "date": date, "kind": "义诊",
                               "title": "义诊"})
    assert county.rows("activity")[0]["date"] == date


def test_task_deadline_and_year_range(county: CountyFile, centre: str) -> None:
    with pytest.raises(ValidationError, match="^完成时限"):
        county.insert("task", {"text": "建立联席会议制度", "deadline": "1990-01-01"})
    with pytest.raises(ValidationError, match="^年度.*不在 2000–2100"):
        county.set_institution_year(centre, 1999, {"physicians": 1})


def test_refused_update_keeps_the_old_value(county: CountyFile, centre: str) -> None:
    county.set_institution_year(centre, 2024, {"physicians": 10, "tcm_physicians": 3})
    with pytest.raises(ValidationError):
        county.set_institution_year(centre, 2024, {"physicians": 2})
    rec = county.rows("institution_year")[0]
    assert (rec["physicians"], rec["tcm_physicians"]) == (10, 3)


def test_unknown_kinds_and_types_are_refused(county: CountyFile) -> None:
    with pytest.raises(ValidationError, match="^机构类型"):
        county.insert("institution", {"name": "某医院", "type": "hospital"})
    with pytest.raises(ValidationError, match="^机构名称：不能为空"):
        county.insert("institution", {"name": " ", "type": "chc"})


def test_raw_sql_is_held_by_constraints_too(county: CountyFile, centre: str) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        county.conn.execute(
            "INSERT INTO institution_year (id, rev, updated_at, updated_by, institution_id, year,"
            " physicians, tcm_physicians) VALUES ('x', 'r', 't', 'm', ?, 2024, 1, 2)", (centre,))


# ---- one institution, once (issue 15, finding 8) ----

def test_a_second_institution_with_the_same_code_is_refused(county: CountyFile) -> None:
    county.insert("institution", {"name": "太溪镇卫生院", "type": "township_hc",
                                  "township": "太溪镇", "code": "QH00099"})
    with pytest.raises(ValidationError, match="机构代码“QH00099”已被“太溪镇卫生院”使用"):
        county.insert("institution", {"name": "太溪镇中心卫生院", "type": "township_hc",
                                      "code": " qh00099 "})
    assert county.count("institution") == 1


def test_the_same_name_twice_in_one_township_is_refused(county: CountyFile, centre: str) -> None:
    with pytest.raises(ValidationError, match="“青石镇”已有名为“青石镇卫生院”的机构"):
        county.insert("institution", {"name": "青石镇卫生院 ", "type": "township_hc",
                                      "township": "青石镇"})
    # The same village name in another township is another institution.
    county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc", "township": "白水镇"})
    assert county.count("institution") == 2


def test_renaming_onto_another_institution_is_refused(county: CountyFile, centre: str) -> None:
    other = county.insert("institution", {"name": "张村卫生室", "type": "village_clinic",
                                          "township": "青石镇"})
    with pytest.raises(ValidationError, match="已有名为“青石镇卫生院”"):
        county.update("institution", other, {"name": "青石镇卫生院"})
    county.update("institution", centre, {"note": "自己不与自己重复"})


def test_restoring_a_deleted_duplicate_is_refused(county: CountyFile, centre: str) -> None:
    county.delete("institution", centre)
    county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc",
                                  "township": "青石镇"})
    with pytest.raises(ValidationError, match="同一机构不能登记两次"):
        county.restore("institution", centre)


def test_duplicate_institution_answers_for_merge(county: CountyFile, centre: str) -> None:
    from db.county import duplicate_institution

    assert duplicate_institution(county, {"name": "青石镇卫生院", "township": "青石镇"})
    assert duplicate_institution(county.conn, {"name": "青石镇卫生院", "township": "青石镇",
                                               "id": centre}) is None
    assert duplicate_institution(county, {"name": "新卫生院", "township": "青石镇"}) is None


def _pairwise(record: dict[str, Any], others: list[dict[str, Any]]) -> str | None:
    """The duplicate rule as README states it, checked pair by pair (the reference)."""
    from db.fields import same_key

    for other in others:
        if record.get("id") is not None and other.get("id") == record["id"]:
            continue
        code = same_key(record.get("code"))
        if code and same_key(other.get("code")) == code:
            return f"机构代码“{other['code']}”已被“{other['name']}”使用，同一机构不能登记两次"
        name = same_key(record.get("name"))
        if name and same_key(other.get("name")) == name \
                and same_key(other.get("township")) == same_key(record.get("township")):
            where = f"“{other['township']}”" if other.get("township") else "未填乡镇的机构中"
            return f"{where}已有名为“{other['name']}”的机构，同一机构不能登记两次"
    return None


_texts = st.sampled_from(["张村卫生室", "张村 卫生室", "ＱＨ１", "QH1", "qh1", "", None, "李村"])
_institution = st.fixed_dictionaries({
    "id": st.sampled_from(["a", "b", "c", None]), "name": _texts, "code": _texts,
    "township": st.sampled_from(["青石镇", "青石 镇", "白水镇", None])})


@given(record=_institution, others=st.lists(_institution, max_size=8))
def test_keys_computed_once_refuse_exactly_as_the_pairwise_rule(record, others) -> None:
    # The import and the data layer look institutions up by keys computed once; the sentence
    # a clerk reads (which institution, code or name) is the one the rule names first.
    from db.fields import InstitutionKeys, duplicate_among

    others = [o for o in others if o["name"]]
    assert duplicate_among(record, others) == _pairwise(record, others)
    keys = InstitutionKeys()
    for other in others:
        keys.add(other)
    assert keys.duplicate(record) == _pairwise(record, others)


def test_a_batch_holding_one_institution_twice_is_refused_whole(county: CountyFile,
                                                                centre: str) -> None:
    batch = [{"name": f"青石镇{n}村卫生室", "type": "village_clinic", "township": "青石镇",
              "code": f"V{n:03d}"} for n in range(300)]
    batch.append({"name": "青石镇7村卫生室", "type": "village_clinic", "township": "青石 镇"})
    with pytest.raises(ValidationError, match="“青石镇”已有名为“青石镇7村卫生室”的机构"):
        county.insert_many("institution", batch)
    assert county.count("institution") == 1
