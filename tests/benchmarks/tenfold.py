"""A county N times the large demo (1× = 643 institutions; 10× = 6,403), built only through the
public commands a bureau uses: `tcmcounty new`, then `tcmcounty import-excel` of one workbook per
year. Not collected by pytest; `run.py` uses it for the 10× measurements.

    python tests/benchmarks/tenfold.py                    # 10×, ten years
    python tests/benchmarks/tenfold.py --scale 1 --years 3

Files go to $TCMCOUNTY_BENCH_DIR/tcmcounty-bench/tenfold/ (else the system's temporary folder):
`county-10x.tcmcounty`, the year workbooks `book-10x-2020.xlsx` … and, on request, the ten-year
workbook of the same county (`ten_year_book`), which is over the import's row and element limits
and must be refused before its rows are parsed.

The county has the large demo's shape, scaled: 3 county hospitals, 40×N centres (5 street
community centres, the rest township health centres) and 600×N stations and village clinics, each
hanging under its centre; figures drawn from one seeded random stream per year, so every run
writes the same workbooks. Activities are dated up to 2026-11-30 (an activity may not be later
than today), so the years after 2026 carry figures but no activity log.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import datetime as dt
import itertools
import os
from pathlib import Path
import random
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("TCMCOUNTY_BENCH_DIR", tempfile.gettempdir())) / "tcmcounty-bench"
FOLDER = WORK / "tenfold"
YEARS = tuple(range(2020, 2030))
LAST_ACTIVITY = dt.date(2026, 11, 30)
COUNTY = "青河县"

_TOWN_FIRST = "青柳白桃龙石清永双红金马凤黄新太安长丰高平云花兴福宝盘松竹梅杨"
_TOWN_SECOND = "石河沙源泉桥溪丰岩坪山田林湾塘坝口场江岭"
_VILLAGE_FIRST = "柳杨李王张刘陈赵周吴郑孙胡朱高林何郭罗梁宋唐许韩冯邓曹彭曾萧田董潘"
_VILLAGE_SECOND = "河庄湾坪沟岭桥坝营寨家屯园塘林山口店铺坡垭"
_STREETS = ("城关街道", "东城街道", "西城街道", "南城街道", "北城街道")
_LECTURES = ("中医养生与慢病防治", "冬季进补与膏方", "中医体质与养生", "小儿推拿与家庭保健",
             "老年人中医药保健", "中医情志调养", "春季养肝", "夏季防暑中医知识", "秋季润燥")
_TEXTS = ("中医四季养生要诀", "冬病夏治三伏贴须知", "高血压中医调养", "糖尿病中医药防治",
          "儿童中医保健六法", "中医体质辨识手册", "艾灸常识", "八段锦图解", "常用穴位按摩")

INSTITUTION_HEADERS = (
    "序号", "机构名称", "机构代码", "机构类型", "所属乡镇", "上级机构", "年度",
    "执业（助理）医师数", "中医类别执业（助理）医师数", "能提供中医药服务的其他人员数",
    "中医类别全科医生数", "西学中人数", "总诊疗人次", "中医诊疗人次", "是否设置中医馆",
    "中医馆达标情况", "中医馆等级", "是否接入中医馆健康信息平台", "是否设置中医阁",
    "是否具备中医药服务场所和设备", "适宜技术类数", "适宜技术项数", "是否设置治未病科",
    "是否设置康复科", "是否设置感染性疾病科",
)
COUNTY_HEADERS = ("年度", "常住人口", "65岁及以上常住居民数", "接受中医药健康管理的65岁及以上居民数",
                  "0-36个月儿童数", "接受中医药健康管理的0-36个月儿童数", "医联体覆盖人口",
                  "群众中医药服务满意率")
ACTIVITY_HEADERS = ("机构名称", "机构代码", "活动日期", "活动类型", "活动名称", "参与人数",
                    "是否中医药内容")


@dataclass(frozen=True)
class Inst:
    name: str
    code: str
    type: str  # the workbook's word: 县级中医医院, 乡镇卫生院 …
    township: str
    parent: str | None


def institutions(scale: int) -> list[Inst]:
    """The register of an N× county, the same every run."""
    rng = random.Random(f"tenfold-register-{scale}")
    result = [Inst(f"{COUNTY}中医医院", "TF000001", "县级中医医院", "城关街道", None),
              Inst(f"{COUNTY}人民医院", "TF000002", "县级综合医院", "城关街道", None),
              Inst(f"{COUNTY}妇幼保健院", "TF000003", "妇幼保健院", "城关街道", None)]
    centres, stations = 40 * scale, 600 * scale
    pairs = [a + b for a, b in itertools.product(_TOWN_FIRST, _TOWN_SECOND) if a != b]
    rng.shuffle(pairs)
    if len(pairs) < centres:
        pairs += [p + c for p in pairs for c in "东西南北中"][:centres - len(pairs)]
    places = [(s, "社区卫生服务中心") for s in _STREETS]
    places += [(t + rng.choice("镇镇镇乡"), "乡镇卫生院") for t in pairs[:centres - len(_STREETS)]]
    villages = [a + b for a, b in itertools.product(_VILLAGE_FIRST, _VILLAGE_SECOND) if a != b]
    code = itertools.count(4)
    for i, (place, type_) in enumerate(places):
        if type_ == "社区卫生服务中心":
            centre, unit_type = f"{place}社区卫生服务中心", "社区卫生服务站"
        else:
            centre, unit_type = place + ("中心卫生院" if rng.random() < 0.2 else "卫生院"), "村卫生室"
        result.append(Inst(centre, f"TF{next(code):06d}", type_, place, None))
        n_units = stations // len(places) + (i < stations % len(places))
        for v in rng.sample(villages, n_units):
            unit = f"{place}{v}社区卫生服务站" if type_ == "社区卫生服务中心" else f"{place}{v}村卫生室"
            result.append(Inst(unit, f"TF{next(code):06d}", unit_type, place, centre))
    return result


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _facts(inst: Inst, progress: float, rng: random.Random) -> list[Any]:
    """The year's figures in INSTITUTION_HEADERS order from 执业（助理）医师数 on."""
    hall = state = grade = platform = corner = place = None
    depts: list[Any] = [None, None, None]
    if inst.type in ("社区卫生服务中心", "乡镇卫生院"):
        physicians = rng.randint(10, 45)
        tcm = round(physicians * rng.uniform(0.15, 0.42))
        other, gps = rng.randint(1, 6), rng.randint(1, 4)
        west = physicians - tcm - rng.randint(0, 2) if physicians - tcm > 2 else 0
        visits = rng.randint(18_000, 90_000)
        tcm_visits = round(visits * rng.uniform(0.22, 0.52))
        roll = rng.random() + 0.4 * progress
        state = "未建" if roll < 0.1 else "已建未达标" if roll < 0.3 else "达标" if roll < 1 else "提档升级"
        hall = _yes(state != "未建")
        grade = None if state == "未建" else "普通"
        platform = _yes(state != "未建" and rng.random() < 0.6 + 0.4 * progress)
        cats, items = rng.randint(4, 8), rng.randint(8, 16)
    elif inst.type in ("社区卫生服务站", "村卫生室"):
        physicians = rng.randint(0, 3)
        tcm = 1 if physicians and rng.random() < 0.35 else 0
        other, gps = rng.randint(0, 2), 0
        west = physicians - tcm if rng.random() < 0.8 else 0
        visits = rng.randint(1_200, 9_000)
        tcm_visits = round(visits * rng.uniform(0.2, 0.5))
        corner = _yes(rng.random() < 0.04 + 0.1 * progress)
        place = _yes(rng.random() < 0.8 + 0.2 * progress)
        cats, items = rng.randint(1, 6), rng.randint(6, 10)
    else:
        physicians = rng.randint(90, 260)
        tcm = round(physicians * (0.6 if inst.type == "县级中医医院" else 0.08))
        other, gps = rng.randint(3, 20), rng.randint(1, 12)
        west = 0 if inst.type == "县级中医医院" else rng.randint(5, 20)
        visits = rng.randint(120_000, 400_000)
        tcm_visits = round(visits * (0.55 if inst.type == "县级中医医院" else 0.05))
        cats, items = 9, rng.randint(40, 60)
        if inst.type == "县级中医医院":
            depts = ["是", "是", _yes(progress >= 0.5)]
    return [physicians, tcm, other, gps, west, visits, tcm_visits, hall, state, grade, platform,
            corner, place, cats, items, *depts]


def _activities(inst: Inst, year: int, rng: random.Random) -> list[list[Any]]:
    """One institution's log for the year, dated up to LAST_ACTIVITY."""
    if inst.type in ("社区卫生服务中心", "乡镇卫生院"):
        plan = [("宣传栏更换", f"第{i + 1}期中医药宣传栏", 1) for i in range(rng.randint(3, 5))]
        plan += [("健康咨询", "中医药健康咨询", 1)] * rng.randint(3, 6)
        plan += [("文字资料", t, 1) for t in rng.sample(_TEXTS, rng.randint(3, 6))]
        plan += [("健康讲座", rng.choice(_LECTURES), 1) for _ in range(rng.randint(4, 7))]
        plan += [("健康讲座", "高血压用药安全", 0)] * rng.randint(0, 2)
    elif inst.type == "县级中医医院":
        plan = [("义诊", "名中医下基层义诊", 1)] * 4 + [("进校园", "中医药文化进校园", 1)] * 3
    elif inst.type in ("社区卫生服务站", "村卫生室") and rng.random() < 0.12:
        plan = [(rng.choice(["健康咨询", "义诊", "传统健身"]), "村民中医药健康咨询", 1)]
    else:
        return []
    first = dt.date(year, 1, 1).toordinal()
    last = min(dt.date(year, 12, 31), LAST_ACTIVITY).toordinal()
    return [[inst.name, inst.code, dt.date.fromordinal(rng.randint(first, last)), kind, title,
             None if kind == "宣传栏更换" else rng.randint(20, 300), _yes(bool(tcm))]
            for kind, title, tcm in plan]


def _county_row(scale: int, year: int, progress: float) -> list[Any]:
    population = 862_000 * scale + (year - YEARS[0]) * 700 * scale
    elderly, infants = round(population * 0.16), round(population * 0.026)
    return [year, population, elderly, round(elderly * (0.69 + 0.08 * progress)), infants,
            round(infants * (0.8 + 0.07 * progress)), round(population * (0.24 + 0.14 * progress)),
            f"{87 + 5 * progress:.1f}%"]


def _progress(year: int) -> float:
    return (year - YEARS[0]) / (len(YEARS) - 1)


def _write_book(path: Path, scale: int, years: tuple[int, ...]) -> int:
    """One workbook holding `years` of the N× county (as a bureau would send it: a title row over
    the headers); the rows written."""
    import openpyxl

    register = institutions(scale)
    book = openpyxl.Workbook(write_only=True)
    facts = book.create_sheet("机构年度数据")
    facts.append([f"{COUNTY}基层中医药工作机构数据（{years[0]}–{years[-1]}年）"])
    facts.append(list(INSTITUTION_HEADERS))
    county = book.create_sheet("全县情况")
    county.append(list(COUNTY_HEADERS))
    log = book.create_sheet("活动记录")
    log.append(list(ACTIVITY_HEADERS))
    rows = 0
    for year in years:
        rng = random.Random(f"tenfold-{scale}-{year}")
        progress = _progress(year)
        for n, inst in enumerate(register, start=1):
            facts.append([n, inst.name, inst.code, inst.type, inst.township, inst.parent, year,
                          *_facts(inst, progress, rng)])
        county.append(_county_row(scale, year, progress))
        rows += len(register) + 1
        if year <= LAST_ACTIVITY.year:
            for inst in register:
                for activity in _activities(inst, year, rng):
                    log.append(activity)
                    rows += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    os.replace(tmp, path)
    return rows


def year_book(scale: int, year: int) -> Path:
    """The workbook of one year of the N× county (written once, then reused)."""
    path = FOLDER / f"book-{scale}x-{year}.xlsx"
    if not path.exists():
        _write_book(path, scale, (year,))
    return path


def ten_year_book(scale: int = 10) -> Path:
    """All ten years of the N× county in one workbook: at 10×, 64,030 institution rows and about
    78,000 activities, over the import's limits."""
    path = FOLDER / f"book-{scale}x-{YEARS[0]}-{YEARS[-1]}.xlsx"
    if not path.exists():
        _write_book(path, scale, YEARS)
    return path


def command(*args: str) -> subprocess.CompletedProcess[str]:
    """One `tcmcounty` command, as a user runs it (its own process), with the program's data
    folder (daily backups, machine id) inside the benchmark folder."""
    env = {**os.environ, "TCMCOUNTY_HOME": str(WORK / "home")}
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)


def county_path(scale: int, years: int = len(YEARS)) -> Path:
    return FOLDER / (f"county-{scale}x.tcmcounty" if years == len(YEARS)
                     else f"county-{scale}x-{years}y.tcmcounty")


def _current(path: Path) -> bool:
    """Whether a county file built earlier has this program's schema (else it is built anew)."""
    sys.path.insert(0, str(ROOT))
    from db import schema

    with open(path, "rb") as fh:
        return int.from_bytes(fh.read(100)[60:64], "big") == schema.current_version()


def build(scale: int = 10, years: int = len(YEARS), *, say: Any = None) -> Path:
    """The N× county over the first `years` years, made by `new` and one `import-excel` per year;
    reused when already built with the current schema."""
    target = county_path(scale, years)
    if target.exists() and _current(target):
        return target
    target.unlink(missing_ok=True)
    FOLDER.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.stem + ".part.tcmcounty")
    part.unlink(missing_ok=True)
    _run("new", str(part), "--county", COUNTY)
    for year in YEARS[:years]:
        book = year_book(scale, year)
        start = time.perf_counter()
        _run("import-excel", str(part), str(book), "--year", str(year))
        if say is not None:
            say(f"{scale}× {year}: imported in {time.perf_counter() - start:.1f} s")
    os.replace(part, target)
    return target


def _run(*args: str) -> None:
    done = command(*args)
    if done.returncode != 0:
        raise SystemExit(f"tcmcounty {args[0]} failed ({done.returncode}):\n"
                         f"{done.stderr.strip()[-2000:]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--years", type=int, default=len(YEARS))
    parser.add_argument("--ten-year-book", action="store_true",
                        help="also write the ten-year workbook (over the import's limits)")
    args = parser.parse_args(argv)
    path = build(args.scale, args.years, say=print)
    print(f"{path} ({path.stat().st_size / 1e6:.0f} MB)")
    if args.ten_year_book:
        book = ten_year_book(args.scale)
        print(f"{book} ({book.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
