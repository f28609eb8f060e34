"""Synthetic public-record files for the big-data screening, generated with numpy and pandas.

`generate(orgs, records, seed, out_dir, disqualifying_share, reference_date)` writes:

* ``organizations.csv``: 统一社会信用代码, 名称, 注册日期, 行业门类, 从业人员, 营业收入(万元);
* one ``<source-code>.csv`` per record source of ``fixtures/sources.json``. The header row holds
  that source's Chinese file headers (the keys of its ``column_mapping``) in order. The files
  hold ``records`` rows in total;
* ``manifest.json``: row counts per file, the seed and the reference date, and the organisations
  that were given disqualifying records, each with its reasons.

Everything is vectorised. Random draws happen once per source and column over whole arrays.
Strings are taken from lookup tables (object arrays) or built with ``np.strings``. Chunks of
rows are joined with one ``str.join`` each (see `_write_csv`; ``DataFrame.to_csv`` took about
ten times longer and is only the fallback). The output is a pure function of (orgs, records, seed, share, reference
date): one ``numpy.random.Generator(PCG64(seed))`` is drawn from in a fixed order.

Disqualification relative to the reference date R (the four rule-like reasons):

* ``dishonesty_current``: a 严重失信主体名单 entry that is still listed (移出日期 empty);
* ``major_accident_3y``: an accident graded 重大 or 特别重大 within the 3 years before R (a 较大
  accident only warns: docs/domain.md, "Severity of public records");
* ``failed_spot_check_3y``: a spot check with the result 不合格 within the 3 years before R;
* ``tax_violation_3y``: a 重大税收违法失信主体 record published within the 3 years before R.

Exactly ``round(share * orgs)`` organisations get at least one such record. Every other
organisation gets none. Their dishonesty and tax entries are older than 3 years and removed
before R. Their accidents within the last 3 years are 一般 with no deaths. Their spot checks
within the last 3 years are all 合格. The three-year boundary is kept clear by a
``BOUNDARY_MARGIN_DAYS`` margin on both sides, so ">= R-3y" and "> R-3y" windows agree.
Warning-level records are generated as well: fines of 10万元 or more, abnormal-operations
entries that are still listed, and clusters of 负面 media reports for a few organisations.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from applications import uscc

SOURCES_PATH = Path(__file__).resolve().parent / "fixtures" / "sources.json"
DEFAULT_OUT_DIR = Path("var") / "synthetic"
ORG_HEADERS = ["统一社会信用代码", "名称", "注册日期", "行业门类", "从业人员", "营业收入(万元)"]
CHUNK_ROWS = 400_000
BOUNDARY_MARGIN_DAYS = 30
REASONS = ("dishonesty_current", "major_accident_3y", "failed_spot_check_3y", "tax_violation_3y")
# Reason of a disqualified organisation: primary reason drawn with these weights, and a second,
# different reason with SECOND_REASON_SHARE probability.
REASON_WEIGHTS = (0.35, 0.15, 0.35, 0.15)
SECOND_REASON_SHARE = 0.2
NEGATIVE_MEDIA_ORG_SHARE = 0.04

# Share of the records per record type (the background, before injected disqualifying records).
TYPE_MIX = {
    "complaint": 0.300, "media_report": 0.220, "spot_check": 0.120, "penalty": 0.100,
    "self_reported": 0.080, "credit_rating": 0.070, "certification": 0.060,
    "abnormal_operation": 0.025, "court_enforcement": 0.015, "accident": 0.005,
    "dishonesty_list": 0.003, "tax_violation": 0.002,
}
ID_PREFIX = {
    "penalty": "PEN", "dishonesty_list": "DIS", "abnormal_operation": "ABN", "court_enforcement": "CRT",
    "tax_violation": "TAX", "spot_check": "SPC", "accident": "ACC", "complaint": "CMP",
    "media_report": "MED", "certification": "CER", "credit_rating": "CRR", "self_reported": "SLF",
}

# --- Vocabularies (grades: exactly these strings) --------------------------------------------
PENALTY_GRADES = ["警告", "通报批评", "罚款", "没收违法所得", "降低资质等级", "吊销许可证件", "责令停产停业", "责令关闭"]
PENALTY_GRADE_P = [0.25, 0.05, 0.50, 0.10, 0.02, 0.03, 0.04, 0.01]
PENALTY_SEVERE = np.array([False, False, False, False, True, True, True, True])
DISHONESTY_GRADES = ["市场监督管理严重违法失信名单", "安全生产严重失信主体", "统计严重失信企业", "政府采购严重违法失信行为记录"]
DISHONESTY_GRADE_P = [0.55, 0.20, 0.10, 0.15]
COURT_GRADES = ["失信被执行人", "被执行人"]
SPOT_GRADES = ["合格", "不合格"]
ACCIDENT_GRADES = ["一般", "较大", "重大", "特别重大"]
COMPLAINT_GRADES = ["调解成功", "调解不成功", "终止调解", "不予受理", "撤回"]
COMPLAINT_GRADE_P = [0.60, 0.12, 0.10, 0.10, 0.08]
MEDIA_GRADES = ["正面", "中性", "负面"]
CERT_GRADES = ["ISO9001", "ISO14001", "ISO45001", "其他"]
CERT_GRADE_P = [0.50, 0.20, 0.18, 0.12]
CREDIT_GRADES = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]

# (authority kind, violation types): 市场监管, 生态环境, 应急管理
PENALTY_KINDS = [
    ("市场监督管理局", "市监罚", ["销售不合格产品", "虚假宣传", "未按规定公示年度报告", "产品标识标注不符合规定", "违反计量法规定",
                          "侵犯注册商标专用权", "价格违法行为", "无证生产经营", "食品安全违法行为"]),
    ("生态环境局", "环罚", ["超标排放污染物", "未批先建", "未验先投", "不正常运行污染防治设施", "无证排污", "危险废物处置违规"]),
    ("应急管理局", "应急罚", ["未按规定开展安全生产教育培训", "未及时消除生产安全事故隐患", "特种作业人员未持证上岗",
                        "安全设备不符合标准", "未按规定制定应急预案"]),
]
PENALTY_KIND_P = [0.75, 0.15, 0.10]
DISHONESTY_REASONS = [
    ["被列入经营异常名录届满3年仍未履行相关义务", "提交虚假材料取得登记被撤销", "生产销售假冒伪劣产品受到较重行政处罚",
     "一年内因同一违法行为受到两次以上较重行政处罚"],
    ["发生较大以上生产安全责任事故", "拒不执行安全监管监察指令", "瞒报谎报生产安全事故"],
    ["统计造假、弄虚作假", "拒绝提供统计资料"],
    ["提供虚假材料谋取中标、成交", "与其他供应商恶意串通", "向采购人行贿"],
]
DISHONESTY_DOC = ["市监信", "应急信", "统信", "财采信"]
ABNORMAL_REASONS = ["未按规定期限公示年度报告", "未在责令期限内公示有关企业信息", "公示企业信息隐瞒真实情况、弄虚作假",
                    "通过登记的住所或者经营场所无法联系"]
ABNORMAL_REASON_P = [0.70, 0.10, 0.05, 0.15]
COURT_DISRUPT = ["有履行能力而拒不履行生效法律文书确定义务", "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
                 "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行", "违反财产报告制度", "违反限制消费令",
                 "无正当理由拒不履行执行和解协议"]
COURT_DISRUPT_P = [0.70, 0.03, 0.05, 0.12, 0.07, 0.03]
TAX_TYPES = ["偷税", "逃避追缴欠税", "骗取出口退税", "抗税", "虚开增值税专用发票", "虚开普通发票", "私自印制、伪造、变造发票",
             "走逃(失联)", "其他情节严重"]
TAX_TYPE_P = [0.25, 0.10, 0.08, 0.01, 0.30, 0.12, 0.02, 0.10, 0.02]
SPOT_PRODUCTS = ["电线电缆", "儿童玩具", "电动自行车", "家用电冰箱", "服装", "食品相关产品", "复混肥料", "钢筋混凝土用热轧带肋钢筋",
                 "通用硅酸盐水泥", "家用燃气灶具", "插头插座", "建筑涂料", "纸巾纸", "床上用品", "眼镜镜片", "电动工具", "LED灯具",
                 "锂离子电池", "安全帽", "汽车轮胎", "塑料管材", "消防产品"]
SPOT_LEVELS = ["国家级", "省级", "市级", "区县级"]
SPOT_LEVEL_P = [0.15, 0.35, 0.30, 0.20]
ACCIDENT_TYPES = ["物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌", "冒顶片帮",
                  "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其它爆炸", "中毒和窒息", "其它伤害"]
ACCIDENT_TYPE_P = np.array([8, 10, 14, 6, 6, 2, 3, 10, 16, 6, 0.5, 0.5, 0.3, 0.2, 0.2, 0.5, 1, 1, 6, 8.8]) / 100
ACCIDENT_OLD_GRADE_P = [0.85, 0.12, 0.027, 0.003]
ACCIDENT_MAJOR_GRADE_P = [0.0, 0.0, 0.85, 0.15]
COMPLAINT_TOPICS = ["质量", "售后服务", "合同", "价格", "虚假宣传", "安全", "计量", "假冒", "人格尊严"]
COMPLAINT_TOPIC_P = [0.32, 0.25, 0.15, 0.10, 0.08, 0.04, 0.03, 0.02, 0.01]
MEDIA_PHRASES = [
    ["荣获市级政府质量奖", "入选专精特新“小巨人”企业名单", "新产品发布会成功举办", "研发投入连续三年增长", "获评守合同重信用企业",
     "积极参与乡村振兴公益活动", "通过卓越绩效自评价", "质量管理经验获推广"],
    ["召开年度股东大会", "发布年度社会责任报告", "与高校签署产学研合作协议", "新厂区项目开工", "举办企业开放日活动",
     "参加中国国际进口博览会", "完成董事会换届"],
    ["产品被曝存在质量问题", "遭消费者集中投诉", "因环保问题被责令整改", "拖欠货款引发纠纷", "被曝虚假宣传",
     "员工讨薪事件引关注", "售后服务遭质疑", "被约谈要求限期整改"],
]
MEDIA_NATIONAL = ["人民日报", "新华网", "央视新闻", "经济日报", "中国质量报", "光明日报", "中国新闻网", "第一财经"]
MEDIA_OTHER = ["今日头条", "微信公众号", "新浪微博", "澎湃新闻", "界面新闻", "中国经营报", "21世纪经济报道"]
CERT_BODIES = ["中国质量认证中心", "方圆标志认证集团有限公司", "北京新世纪检验认证有限公司", "华夏认证中心有限公司",
               "中国船级社质量认证有限公司", "兴原认证中心有限公司", "通标标准技术服务有限公司", "必维认证（北京）有限公司",
               "浙江公信认证有限公司", "安徽省质量认证中心"]
CERT_LETTER = ["Q", "E", "S", "P"]
RATING_AGENCIES = ["中诚信国际信用评级有限责任公司", "联合资信评估股份有限公司", "大公国际资信评估有限公司",
                   "东方金诚国际信用评估有限公司", "上海新世纪资信评估投资服务有限公司", "中证鹏元资信评估股份有限公司",
                   "远东资信评估有限公司"]
SELF_INDICATORS = ["营业收入", "利润总额", "研发投入", "纳税总额", "出口额", "质量损失"]
SELF_RATIO_MEDIAN = np.array([1.0, 0.06, 0.03, 0.05, 0.12, 0.004])

# GB/T 4754-2017 sections: (letter, share, name words for organisation names, activity factors)
SECTIONS = [
    ("A", 0.015, ["农业发展", "生态农业", "农业科技"]),
    ("B", 0.005, ["矿业", "矿产开发"]),
    ("C", 0.400, ["机械", "电子", "科技", "新材料", "精密制造", "汽车零部件", "电气", "化工", "食品", "纺织", "医疗器械",
                  "智能装备", "光电", "包装", "环保设备", "五金"]),
    ("D", 0.020, ["能源", "燃气", "新能源"]),
    ("E", 0.070, ["建设工程", "建筑", "装饰工程", "市政工程"]),
    ("F", 0.150, ["商贸", "贸易", "供应链管理", "电子商务"]),
    ("G", 0.040, ["物流", "运输", "供应链"]),
    ("H", 0.030, ["餐饮管理", "酒店管理"]),
    ("I", 0.080, ["信息技术", "软件", "网络科技", "数据科技"]),
    ("J", 0.010, ["融资租赁", "投资管理"]),
    ("K", 0.030, ["置业", "房地产开发", "物业服务"]),
    ("L", 0.060, ["企业管理咨询", "商务服务", "人力资源"]),
    ("M", 0.060, ["检测技术", "设计研究", "工程技术"]),
    ("N", 0.015, ["环境工程", "环保科技"]),
    ("O", 0.005, ["家政服务"]),
    ("P", 0.005, ["教育科技"]),
    ("Q", 0.010, ["医疗管理", "健康科技"]),
    ("R", 0.015, ["文化传媒", "体育发展"]),
]
SECTION_LETTERS = np.array([s[0] for s in SECTIONS])
# Per record type, a multiplier of the organisation's activity weight by section.
TYPE_SECTION_FACTOR = {
    "complaint": {"F": 3, "H": 3, "K": 2, "Q": 2, "R": 2, "P": 2, "O": 2, "C": 1, "I": 1, "G": 1},
    "spot_check": {"C": 3, "F": 1.5, "A": 0.5},
    "accident": {"C": 3, "B": 4, "E": 3, "G": 2, "D": 2},
    "certification": {"C": 2, "E": 1.5, "M": 1.5, "I": 1},
}
TYPE_SECTION_DEFAULT = {"complaint": 0.4, "spot_check": 0.05, "accident": 0.3, "certification": 0.6}

BRAND_CHARS = list("华中信恒达瑞丰鑫源泰宏博盛宇天新金海安康正诚通联创兴明远汇德腾飞嘉和荣昌顺利佳美永合益凯祥卓越智鼎辰"
                   "晟骏捷科光星云峰润锦鸿景文元亿丽振嘉伟宝成豪隆弘")
BRAND_CHARS = list(dict.fromkeys(BRAND_CHARS))
NAME_SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司"]


# --- Regions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Region:
    code: str
    name: str       # district / county / city name
    full: str       # as used in authority names, e.g. 北京市朝阳区, 巢湖市
    city: str       # 北京市, 杭州市, 合肥市, ...
    province: str   # 北京市, 浙江省, 安徽省
    prov_abbr: str  # 京, 浙, 皖
    doc_abbr: str   # 京朝, 杭西, 合蜀
    place: str      # 北京, 杭州, 合肥 (organisation names)
    weight: float


def _regions() -> list[Region]:
    out = []
    beijing = [("110101", "东城区", "京东", 3), ("110102", "西城区", "京西", 4), ("110105", "朝阳区", "京朝", 12),
               ("110106", "丰台区", "京丰", 6), ("110107", "石景山区", "京石", 2), ("110108", "海淀区", "京海", 12),
               ("110109", "门头沟区", "京门", 1), ("110111", "房山区", "京房", 3), ("110112", "通州区", "京通", 5),
               ("110113", "顺义区", "京顺", 5), ("110114", "昌平区", "京昌", 5), ("110115", "大兴区", "京兴", 5),
               ("110116", "怀柔区", "京怀", 2), ("110117", "平谷区", "京平", 1.5), ("110118", "密云区", "京密", 1.5),
               ("110119", "延庆区", "京延", 1)]
    total = sum(w for *_x, w in beijing)
    for code, name, abbr, w in beijing:
        out.append(Region(code, name, "北京市" + name, "北京市", "北京市", "京", abbr, "北京", 0.40 * w / total))
    hangzhou = [("330100", "杭州市", "杭", 10), ("330102", "上城区", "杭上", 6), ("330105", "拱墅区", "杭拱", 6),
                ("330106", "西湖区", "杭西", 7), ("330108", "滨江区", "杭滨", 7), ("330109", "萧山区", "杭萧", 10),
                ("330110", "余杭区", "杭余", 9), ("330111", "富阳区", "杭富", 4), ("330112", "临安区", "杭临", 3),
                ("330113", "临平区", "杭平", 4), ("330114", "钱塘区", "杭钱", 4), ("330122", "桐庐县", "杭桐", 2),
                ("330127", "淳安县", "杭淳", 1), ("330182", "建德市", "杭建", 2)]
    total = sum(w for *_x, w in hangzhou)
    for code, name, abbr, w in hangzhou:
        full = name if code == "330100" or name.endswith(("县", "市")) else "杭州市" + name
        out.append(Region(code, name, full, "杭州市", "浙江省", "浙", abbr, "杭州", 0.30 * w / total))
    anhui = {
        ("340100", "合肥市", "合", 30): [("340102", "瑶海区"), ("340103", "庐阳区"), ("340104", "蜀山区"),
                                      ("340111", "包河区"), ("340121", "长丰县"), ("340122", "肥东县"),
                                      ("340123", "肥西县"), ("340181", "巢湖市")],
        ("340200", "芜湖市", "芜", 10): [("340202", "镜湖区"), ("340207", "鸠江区"), ("340209", "弋江区")],
        ("340300", "蚌埠市", "蚌", 5): [("340302", "龙子湖区"), ("340303", "蚌山区")],
        ("340400", "淮南市", "淮南", 3): [("340402", "大通区"), ("340403", "田家庵区")],
        ("340500", "马鞍山市", "马", 5): [("340503", "花山区"), ("340504", "雨山区")],
        ("340600", "淮北市", "淮北", 3): [("340602", "杜集区"), ("340603", "相山区")],
        ("340700", "铜陵市", "铜", 3): [("340705", "铜官区")],
        ("340800", "安庆市", "宜", 5): [("340802", "迎江区"), ("340803", "大观区")],
        ("341000", "黄山市", "黄", 2): [("341002", "屯溪区")],
        ("341100", "滁州市", "滁", 5): [("341102", "琅琊区"), ("341103", "南谯区")],
        ("341200", "阜阳市", "阜", 6): [("341202", "颍州区")],
        ("341300", "宿州市", "宿", 4): [("341302", "埇桥区")],
        ("341500", "六安市", "六", 4): [("341502", "金安区"), ("341503", "裕安区")],
        ("341600", "亳州市", "亳", 3): [("341602", "谯城区")],
        ("341700", "池州市", "池", 2): [("341702", "贵池区")],
        ("341800", "宣城市", "宣", 3): [("341802", "宣州区")],
    }
    anhui_total = 2 + sum(city[3] for city in anhui)
    out.append(Region("340000", "安徽省", "安徽省", "合肥市", "安徽省", "皖", "皖", "安徽", 0.30 * 2 / anhui_total))
    for (ccode, cname, cabbr, cw), districts in anhui.items():
        place = cname[:-1]
        share = 0.30 * cw / anhui_total
        out.append(Region(ccode, cname, cname, cname, "安徽省", "皖", cabbr, place, share * 0.3))
        for dcode, dname in districts:
            full = dname if dname.endswith(("县", "市")) else cname + dname
            out.append(Region(dcode, dname, full, cname, "安徽省", "皖", cabbr + dname[0], place,
                              share * 0.7 / len(districts)))
    return out


REGIONS = _regions()
MEDIA_REGIONAL = {"京": ["北京日报", "北京青年报", "新京报", "北京晚报"],
                  "浙": ["浙江日报", "杭州日报", "钱江晚报", "都市快报", "潮新闻"],
                  "皖": ["安徽日报", "合肥晚报", "新安晚报", "中安在线"]}


def _region_tables():
    """Per-region lookup arrays (index = region index)."""
    t = {}
    t["code"] = np.array([r.code for r in REGIONS])
    t["weight"] = np.array([r.weight for r in REGIONS])
    t["weight"] = t["weight"] / t["weight"].sum()
    t["place"] = np.array([r.place for r in REGIONS])
    t["doc_abbr"] = np.array([r.doc_abbr for r in REGIONS])
    t["prov_abbr"] = np.array([r.prov_abbr for r in REGIONS])
    t["msa"] = np.array([r.full + "市场监督管理局" for r in REGIONS], dtype=object)
    t["env"] = np.array([r.full + "生态环境局" for r in REGIONS], dtype=object)
    t["safety"] = np.array([r.full + "应急管理局" for r in REGIONS], dtype=object)
    t["stats"] = np.array([r.city + "统计局" for r in REGIONS], dtype=object)
    t["finance"] = np.array([r.city + "财政局" for r in REGIONS], dtype=object)
    t["tax"] = np.array(["国家税务总局" + r.full + "税务局" for r in REGIONS], dtype=object)
    t["city_safety"] = np.array([r.city + "应急管理局" for r in REGIONS], dtype=object)
    t["prov_safety"] = np.array([r.province + ("应急管理局" if r.province == "北京市" else "应急管理厅")
                                 for r in REGIONS], dtype=object)
    courts, court_codes = [], []
    for r in REGIONS:
        if r.code.endswith("0000"):        # provincial registration: the provincial capital's court
            courts.append("合肥市中级人民法院")
            court_codes.append(r.prov_abbr + "01")
        elif r.code.endswith("00"):
            courts.append(r.city + "中级人民法院")
            court_codes.append(r.prov_abbr + r.code[2:4])
        else:
            courts.append(r.full + "人民法院")
            court_codes.append(r.prov_abbr + r.code[2:6])
    t["court"] = np.array(courts, dtype=object)
    t["court_code"] = np.array(court_codes)
    return t


# --- Credit codes ----------------------------------------------------------------------------
_CHARSET_BYTES = np.frombuffer(uscc.CHARSET.encode("ascii"), dtype=np.uint8)
_WEIGHTS = np.array(uscc.WEIGHTS, dtype=np.int64)
_GB11714_WEIGHTS = np.array(uscc.GB11714_WEIGHTS, dtype=np.int64)
# value in the 31-character set -> value in the GB 11714 0-9/A-Z set
_TO_GB11714 = np.array([uscc.GB11714_VALUES[c] for c in uscc.CHARSET], dtype=np.int64)


def check_values(first17: np.ndarray) -> np.ndarray:
    """Modulus-31 check values for an (N, 17) matrix of character values (0-30)."""
    return (31 - (first17.astype(np.int64) @ _WEIGHTS) % 31) % 31


def gb11714_check_values(body8: np.ndarray) -> np.ndarray:
    """GB 11714 check characters, as 31-set values, for an (N, 8) matrix of 31-set values."""
    c = 11 - (_TO_GB11714[body8] @ _GB11714_WEIGHTS) % 11
    return np.where(c == 10, uscc.VALUES["X"], np.where(c == 11, 0, c))


def codes_to_strings(values: np.ndarray) -> np.ndarray:
    """(N, 18) character values -> array of 18-character strings."""
    ascii_matrix = np.ascontiguousarray(_CHARSET_BYTES[values])
    return ascii_matrix.view("S18").ravel().astype("U18")


def make_credit_codes(rng: np.random.Generator, region_codes: np.ndarray, new_style: np.ndarray,
                      prefix: str = "91") -> np.ndarray:
    """Unique, valid unified social credit codes, one per row of `region_codes` (6-digit strings).

    Old-style bodies (``new_style`` False) are 8 digits, as pre-2015 organisation codes were;
    new-style bodies are "MA" and 6 characters of the 31-character set. Position 17 is the
    GB 11714 check character of the body; position 18 is the modulus-31 check character.
    """
    n = len(region_codes)
    values = np.zeros((n, 18), dtype=np.int64)
    values[:, 0] = uscc.VALUES[prefix[0]]
    values[:, 1] = uscc.VALUES[prefix[1]]
    region_digits = np.frombuffer(np.asarray(region_codes, dtype="S6").tobytes(), dtype=np.uint8).reshape(n, 6)
    values[:, 2:8] = region_digits - ord("0")
    todo = np.arange(n)
    while len(todo):
        k = len(todo)
        body = np.empty((k, 8), dtype=np.int64)
        old = ~new_style[todo]
        body[old] = rng.integers(0, 10, size=(int(old.sum()), 8))
        new = ~old
        body[new, 0] = uscc.VALUES["M"]
        body[new, 1] = uscc.VALUES["A"]
        body[new, 2:] = rng.integers(0, 31, size=(int(new.sum()), 6))
        values[todo, 8:16] = body
        # uniqueness over positions 3-16 (positions 1-2 are constant, 17-18 follow)
        key = values[:, 2:8] @ (10 ** np.arange(5, -1, -1, dtype=np.int64)) * 31**8 + \
            values[:, 8:16] @ (31 ** np.arange(7, -1, -1, dtype=np.int64))
        _u, first = np.unique(key, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        todo = np.flatnonzero(dup)
    values[:, 16] = gb11714_check_values(values[:, 8:16])
    values[:, 17] = check_values(values[:, :17])
    return codes_to_strings(values)


# --- Helpers ---------------------------------------------------------------------------------
EPOCH = np.datetime64("1970-01-01", "D")


def _day(d: dt.date) -> int:
    return int((np.datetime64(d, "D") - EPOCH).astype(np.int64))


def _years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _cat(*parts) -> np.ndarray:
    """Element-wise concatenation of string arrays and scalars (np.strings, no Python loop)."""
    out = None
    for p in parts:
        p = p if isinstance(p, str) else np.asarray(p)
        if out is None:
            out = np.asarray(p) if isinstance(p, str) else p
            if out.dtype.kind != "U":
                out = out.astype("U")
            continue
        if not isinstance(p, str) and p.dtype.kind != "U":
            p = p.astype("U")
        out = np.strings.add(out, p)
    return out


def _O(values) -> np.ndarray:
    """A lookup table as an object array: taking from it gives ready-made Python strings."""
    return np.array(values, dtype=object)


def _zfill(numbers: np.ndarray, width: int) -> np.ndarray:
    return np.strings.zfill(np.asarray(numbers).astype("U"), width)


def _choice(rng, n, p) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int16)


def _pick_flat(rng, group: np.ndarray, offsets: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Index into a flattened list of lists: a uniform item of list `group[i]` for each row."""
    return offsets[group] + np.floor(rng.random(len(group)) * sizes[group]).astype(np.int64)


def _flatten(lists):
    flat = np.array([x for lst in lists for x in lst])
    sizes = np.array([len(lst) for lst in lists])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return flat, offsets, sizes


# --- Organisations ---------------------------------------------------------------------------
@dataclass
class Orgs:
    code: np.ndarray        # str (object array)
    name: np.ndarray        # str (object array)
    short: np.ndarray       # str (object array; brand + industry word, for media titles)
    region: np.ndarray      # region index
    reg_day: np.ndarray     # registration date, days since 1970-01-01
    section: np.ndarray     # index into SECTIONS
    employees: np.ndarray
    revenue: np.ndarray     # 万元
    activity: np.ndarray    # record weight
    quality: np.ndarray     # latent, drives credit ratings
    negative_media: np.ndarray  # bool: cluster of 负面 media

    def __len__(self):
        return len(self.code)


def make_orgs(rng: np.random.Generator, n: int, ref: dt.date, regions: dict) -> Orgs:
    region = rng.choice(len(REGIONS), size=n, p=regions["weight"]).astype(np.int16)
    # registration dates 1990-2022, more recent years more frequent, and at least ~13 months before R
    years = np.arange(1990, 2023)
    year_p = np.exp(0.08 * (years - 1990))
    year = rng.choice(years, size=n, p=year_p / year_p.sum())
    year_start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    reg_day = year_start + np.floor(rng.random(n) * 365).astype(np.int64)
    latest = min(_day(dt.date(2022, 12, 31)), _day(ref) - 400)
    earliest = _day(dt.date(1990, 1, 1))
    if latest <= earliest:
        raise ValueError("the reference date must be after 1991-02")
    too_late = reg_day > latest
    reg_day[too_late] = earliest + np.floor(rng.random(int(too_late.sum())) * (latest - earliest)).astype(np.int64)
    new_style = reg_day >= _day(dt.date(2015, 10, 1))
    code = make_credit_codes(rng, regions["code"][region], new_style)

    shares = np.array([s[1] for s in SECTIONS])
    section = rng.choice(len(SECTIONS), size=n, p=shares / shares.sum()).astype(np.int16)
    median_emp = np.where(SECTION_LETTERS[section] == "C", 120.0, 40.0)
    employees = np.clip(np.round(median_emp * rng.lognormal(0.0, 1.3, n)), 1, 200_000).astype(np.int64)
    revenue = np.round(employees * 60.0 * rng.lognormal(0.0, 0.7, n), 2)

    # names: place + brand + industry word + suffix; about 15 % as brand（place）industry + suffix
    words, w_off, w_size = _flatten([s[2] for s in SECTIONS])
    brand_chars = np.array(BRAND_CHARS)
    suffix_p = np.where(employees[:, None] > 1000, [0.3, 0.4, 0.3],
                        np.where(employees[:, None] > 300, [0.7, 0.25, 0.05], [0.93, 0.06, 0.01]))
    cum = suffix_p.cumsum(axis=1)
    suffix = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, 2)
    place = regions["place"][region]
    bracket_style = rng.random(n) < 0.15
    name = np.empty(n, dtype=object)
    short = np.empty(n, dtype=object)
    todo = np.arange(n)
    for attempt in range(8):
        k = len(todo)
        nchars = np.where(rng.random(k) < (0.75 if attempt == 0 else 0.2), 2, 3 + (attempt > 3))
        b = rng.integers(0, len(brand_chars), size=(k, 4))
        b[:, 1] = np.where(b[:, 1] == b[:, 0], (b[:, 1] + 1) % len(brand_chars), b[:, 1])
        brand = _cat(brand_chars[b[:, 0]], brand_chars[b[:, 1]])
        brand = np.where(nchars >= 3, _cat(brand, brand_chars[b[:, 2]]), brand)
        brand = np.where(nchars >= 4, _cat(brand, brand_chars[b[:, 3]]), brand)
        word = words[_pick_flat(rng, section[todo], w_off, w_size)]
        sfx = np.array(NAME_SUFFIXES)[suffix[todo]]
        plain = _cat(place[todo], brand, word, sfx)
        bracketed = _cat(brand, "（", place[todo], "）", word, sfx)
        name[todo] = np.where(bracket_style[todo], bracketed, plain).astype(object)
        short[todo] = _cat(brand, word).astype(object)
        dup = pd.Series(name).duplicated(keep="first").to_numpy()
        todo = np.flatnonzero(dup)
        if not len(todo):
            break

    size_factor = np.power(employees, 0.35)
    activity = rng.lognormal(0.0, 1.4, n) * size_factor
    quality = rng.normal(0.0, 1.0, n)
    negative_media = rng.random(n) < NEGATIVE_MEDIA_ORG_SHARE
    return Orgs(code=code.astype(object), name=name, short=short, region=region, reg_day=reg_day,
                section=section, employees=employees, revenue=revenue, activity=activity, quality=quality,
                negative_media=negative_media)


# --- Record tables ---------------------------------------------------------------------------
class Ctx:
    """What the per-type generators share: the rng, the organisations, dates and lookups."""

    def __init__(self, rng, orgs: Orgs, ref: dt.date, regions: dict):
        self.rng = rng
        self.orgs = orgs
        self.ref = ref
        self.ref_day = _day(ref)
        self.cut3 = _day(_years_before(ref, 3))
        self.old_hi = self.cut3 - BOUNDARY_MARGIN_DAYS - 1  # latest "older than 3 years" day
        self.recent_lo = self.cut3 + BOUNDARY_MARGIN_DAYS + 1  # earliest "within 3 years" day
        self.regions = regions
        self.lut_start = _day(dt.date(1985, 1, 1))
        lut_end = self.ref_day + 5 * 366
        days = np.arange(self.lut_start, lut_end).astype("datetime64[D]")
        # index -1 (the last entry) is the empty string: the "missing date" marker
        self.date_lut = np.append(np.datetime_as_string(days, unit="D").astype(object), "")

    # dates ------------------------------------------------------------------------------------
    def recent_days(self, org: np.ndarray) -> np.ndarray:
        """Dates weighted toward the last 6 years before R, never before registration + 30 days."""
        rng, n = self.rng, len(org)
        u = rng.random(n)
        age = np.where(rng.random(n) < 0.85, 1 + (6 * 365.25 - 1) * u ** 1.6, 6 * 365.25 + u * 14 * 365.25)
        day = self.ref_day - np.floor(age).astype(np.int64)
        lo = self.orgs.reg_day[org] + 30
        bad = day < lo
        span = self.ref_day - 1 - lo[bad]
        day[bad] = lo[bad] + np.floor(rng.random(int(bad.sum())) * span).astype(np.int64)
        return day

    def old_days(self, org: np.ndarray) -> np.ndarray:
        """Dates older than 3 years (+ margin) before R, after registration + 30 days."""
        rng, n = self.rng, len(org)
        day = self.old_hi - np.floor(rng.exponential(2 * 365.25, n)).astype(np.int64)
        lo = self.orgs.reg_day[org] + 30
        bad = day < lo
        span = np.maximum(self.old_hi - lo[bad], 0)
        day[bad] = lo[bad] + np.floor(rng.random(int(bad.sum())) * span).astype(np.int64)
        return day

    def window_days(self, org: np.ndarray) -> np.ndarray:
        """Dates within the 3 years (- margin) before R, after registration + 30 days."""
        lo = np.maximum(self.orgs.reg_day[org] + 30, self.recent_lo)
        hi = self.ref_day - 1
        return lo + np.floor(self.rng.random(len(org)) * (hi - lo + 1)).astype(np.int64)

    def removed_before_ref(self, day: np.ndarray, duration: np.ndarray) -> np.ndarray:
        """day + duration, but no later than R - 1 (and not before `day`)."""
        cap = self.ref_day - 1
        rem = day + duration
        over = rem > cap
        rem[over] = day[over] + np.floor(self.rng.random(int(over.sum())) * (cap - day[over] + 1)).astype(np.int64)
        return rem

    def dates(self, days: np.ndarray) -> np.ndarray:
        """Day numbers -> "YYYY-MM-DD" strings; negative day numbers (missing) -> ""."""
        idx = days - self.lut_start
        return self.date_lut[np.where(days < 0, -1, idx)]

    def years(self, days: np.ndarray) -> np.ndarray:
        return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


MISSING = -1  # day number of a missing date


def _lognormal_10k(rng, n, median, sigma, lo=0.01):
    return np.maximum(np.round(median * rng.lognormal(0.0, sigma, n), 2), lo)


def _gen_penalty(ctx: Ctx, org, inject):
    rng, n = ctx.rng, len(org)
    day = ctx.recent_days(org)
    grade = _choice(rng, n, PENALTY_GRADE_P)
    fine = _lognormal_10k(rng, n, 1.5, 1.5)
    has_fine = (grade == 2) | ((grade >= 3) & (rng.random(n) < 0.5))
    amount = np.where(has_fine, fine, np.nan)
    kind = _choice(rng, n, PENALTY_KIND_P)
    _titles, t_off, t_size = _flatten([k[2] for k in PENALTY_KINDS])
    title = _pick_flat(rng, kind, t_off, t_size)
    publicity = np.where(PENALTY_SEVERE[grade] | (np.nan_to_num(amount) >= 10), 1095, 365)
    publicity = np.where(grade <= 1, 90 + np.floor(rng.random(n) * 275).astype(np.int64), publicity)
    seq = rng.integers(1, 3000, n)
    return {"org": org, "day": day, "grade": grade, "amount": amount, "kind": kind, "title": title,
            "removed": day + publicity, "seq": seq}


def _fmt_penalty(ctx: Ctx, t, reg):
    titles = _O(_flatten([k[2] for k in PENALTY_KINDS])[0])
    authority_tables = np.stack([ctx.regions["msa"], ctx.regions["env"], ctx.regions["safety"]])
    doc_kinds = np.array([k[1] for k in PENALTY_KINDS])
    return {
        "grade": _O(PENALTY_GRADES)[t["grade"]],
        "amount_10k": t["amount"],
        "title": titles[t["title"]],
        "authority": authority_tables[t["kind"], reg],
        "document_no": _cat(ctx.regions["doc_abbr"][reg], doc_kinds[t["kind"]], "〔", ctx.years(t["day"]), "〕",
                            t["seq"], "号"),
        "removed_on": ctx.dates(t["removed"]),
    }


def _gen_dishonesty(ctx: Ctx, org, inject):
    """Background: listed > 3 years before R and removed before R. Injected: listed within 3 years, current."""
    rng, n = ctx.rng, len(org)
    grade = _choice(rng, n, DISHONESTY_GRADE_P)
    _r, r_off, r_size = _flatten(DISHONESTY_REASONS)
    title = _pick_flat(rng, grade, r_off, r_size)
    seq = rng.integers(1, 500, n)
    day = ctx.old_days(org)
    removed = ctx.removed_before_ref(day, 365 + np.floor(rng.random(n) * 730).astype(np.int64))
    day[inject] = ctx.window_days(org[inject])
    removed[inject] = MISSING
    return {"org": org, "day": day, "grade": grade, "title": title, "seq": seq, "removed": removed}


def _fmt_dishonesty(ctx: Ctx, t, reg):
    reasons = _O(_flatten(DISHONESTY_REASONS)[0])
    authority_tables = np.stack([ctx.regions["msa"], ctx.regions["safety"], ctx.regions["stats"],
                                 ctx.regions["finance"]])
    return {
        "grade": _O(DISHONESTY_GRADES)[t["grade"]],
        "title": reasons[t["title"]],
        "authority": authority_tables[t["grade"], reg],
        "document_no": _cat(ctx.regions["doc_abbr"][reg], _O(DISHONESTY_DOC)[t["grade"]], "〔",
                            ctx.years(t["day"]), "〕", t["seq"], "号"),
        "removed_on": ctx.dates(t["removed"]),
    }


def _gen_abnormal(ctx: Ctx, org, inject):
    """Removed for most; still listed (a warning) for 15 % of those listed within the last 3 years."""
    rng, n = ctx.rng, len(org)
    day = ctx.recent_days(org)
    title = _choice(rng, n, ABNORMAL_REASON_P)
    removed = ctx.removed_before_ref(day, 30 + np.floor(rng.exponential(200, n)).astype(np.int64))
    current = (day >= ctx.recent_lo) & (rng.random(n) < 0.15)
    removed[current] = MISSING
    return {"org": org, "day": day, "title": title, "removed": removed}


def _fmt_abnormal(ctx: Ctx, t, reg):
    return {
        "title": _O(ABNORMAL_REASONS)[t["title"]],
        "authority": ctx.regions["msa"][reg],
        "removed_on": ctx.dates(t["removed"]),
    }


def _gen_court(ctx: Ctx, org, inject):
    """失信被执行人 entries are all removed before R; 被执行人 cases older than a year are mostly closed."""
    rng, n = ctx.rng, len(org)
    day = ctx.recent_days(org)
    grade = (rng.random(n) >= 0.3).astype(np.int16)  # 0 失信被执行人 30 %, 1 被执行人
    amount = _lognormal_10k(rng, n, 20.0, 1.6)
    disrupt = _choice(rng, n, COURT_DISRUPT_P)
    removed = ctx.removed_before_ref(day, 365 + np.floor(rng.random(n) * 730).astype(np.int64))
    ongoing = (grade == 1) & ((day > ctx.ref_day - 365) | (rng.random(n) < 0.2))
    removed[ongoing] = MISSING
    seq = rng.integers(1, 30000, n)
    return {"org": org, "day": day, "grade": grade, "amount": amount, "disrupt": disrupt, "removed": removed,
            "seq": seq}


def _fmt_court(ctx: Ctx, t, reg):
    disrupt = _O(COURT_DISRUPT)[t["disrupt"]]
    return {
        "grade": _O(COURT_GRADES)[t["grade"]],
        "amount_10k": t["amount"],
        "authority": ctx.regions["court"][reg],
        "document_no": _cat("(", ctx.years(t["day"]), ")", ctx.regions["court_code"][reg], "执", t["seq"], "号"),
        "title": np.where(t["grade"] == 0, disrupt, ""),
        "removed_on": ctx.dates(t["removed"]),
    }


def _gen_tax(ctx: Ctx, org, inject):
    """Background: published > 3 years before R and removed. Injected: published within 3 years."""
    rng, n = ctx.rng, len(org)
    title = _choice(rng, n, TAX_TYPE_P)
    amount = _lognormal_10k(rng, n, 300.0, 1.2)
    day = ctx.old_days(org)
    removed = ctx.removed_before_ref(day, 1095 + np.floor(rng.random(n) * 30).astype(np.int64))
    day[inject] = ctx.window_days(org[inject])
    removed[inject] = MISSING
    return {"org": org, "day": day, "title": title, "amount": amount, "removed": removed}


def _fmt_tax(ctx: Ctx, t, reg):
    return {
        "title": _O(TAX_TYPES)[t["title"]],
        "amount_10k": t["amount"],
        "authority": ctx.regions["tax"][reg],
        "removed_on": ctx.dates(t["removed"]),
    }


def _gen_spot(ctx: Ctx, org, inject):
    """不合格 only before the 3-year window, except for injected records (within it)."""
    rng, n = ctx.rng, len(org)
    day = ctx.recent_days(org)
    day[inject] = ctx.window_days(org[inject])
    failed = (rng.random(n) < 0.08) & (day <= ctx.old_hi)
    failed[inject] = True
    level = _choice(rng, n, SPOT_LEVEL_P)
    product = rng.integers(0, len(SPOT_PRODUCTS), n)
    seq = rng.integers(1, 100000, n)
    return {"org": org, "day": day, "grade": failed.astype(np.int16), "level": level, "product": product,
            "seq": seq}


def _fmt_spot(ctx: Ctx, t, reg):
    issuer = np.where(t["level"] == 0, "国", ctx.regions["prov_abbr"][reg])
    return {
        "grade": _O(SPOT_GRADES)[t["grade"]],
        "title": _O(SPOT_PRODUCTS)[t["product"]],
        "authority": _O(SPOT_LEVELS)[t["level"]],
        "document_no": _cat(issuer, "抽检〔", ctx.years(t["day"]), "〕", _zfill(t["seq"], 5), "号"),
    }


def _deaths(rng, grade):
    n = len(grade)
    u = rng.random(n)
    deaths = np.where(u < 0.8, 0, 1 + (u > 0.95))            # 一般: mostly 0, some 1-2
    deaths = np.where(grade == 1, np.where(u < 0.25, 0, 3 + np.floor(u * 7)), deaths)  # 较大: 3-9 (or losses)
    deaths = np.where(grade == 2, 10 + np.floor(u * 20), deaths)
    deaths = np.where(grade == 3, 30 + np.floor(rng.exponential(10, n)), deaths)
    return deaths.astype(np.int64)


def _gen_accident(ctx: Ctx, org, inject):
    """Background within the window: 一般 with no deaths. Older: any grade. Injected: 重大 or worse."""
    rng, n = ctx.rng, len(org)
    day = ctx.recent_days(org)
    day[inject] = ctx.window_days(org[inject])
    grade = _choice(rng, n, ACCIDENT_OLD_GRADE_P)
    grade[inject] = _choice(rng, int(inject.sum()), ACCIDENT_MAJOR_GRADE_P)
    recent = (day > ctx.old_hi) & ~inject
    grade[recent] = 0
    deaths = _deaths(rng, grade)
    deaths[recent] = 0
    kind = _choice(rng, n, ACCIDENT_TYPE_P)
    return {"org": org, "day": day, "grade": grade, "deaths": deaths, "kind": kind}


def _fmt_accident(ctx: Ctx, t, reg):
    g = t["grade"]
    authority = np.where(g == 0, ctx.regions["safety"][reg],
                         np.where(g == 1, ctx.regions["city_safety"][reg],
                                  np.where(g == 2, ctx.regions["prov_safety"][reg], "国务院事故调查组")))
    return {
        "grade": _O(ACCIDENT_GRADES)[g],
        "deaths": t["deaths"],
        "title": _O(ACCIDENT_TYPES)[t["kind"]],
        "authority": authority,
    }


def _gen_complaint(ctx: Ctx, org, inject):
    rng, n = ctx.rng, len(org)
    return {"org": org, "day": ctx.recent_days(org), "grade": _choice(rng, n, COMPLAINT_GRADE_P),
            "topic": _choice(rng, n, COMPLAINT_TOPIC_P), "amount": _lognormal_10k(rng, n, 0.2, 1.2)}


def _fmt_complaint(ctx: Ctx, t, reg):
    return {
        "grade": _O(COMPLAINT_GRADES)[t["grade"]],
        "title": _O(COMPLAINT_TOPICS)[t["topic"]],
        "amount_10k": t["amount"],
        "authority": ctx.regions["msa"][reg],
    }


def _gen_media(ctx: Ctx, org, inject):
    """Tone: 40 % 正面, 50 % 中性, 10 % 负面; 70 % 负面 for the negative-cluster organisations."""
    rng, n = ctx.rng, len(org)
    u = rng.random(n)
    neg = ctx.orgs.negative_media[org]
    tone = np.where(neg, np.where(u < 0.7, 2, np.where(u < 0.85, 1, 0)),
                    np.where(u < 0.40, 0, np.where(u < 0.90, 1, 2))).astype(np.int16)
    _p, p_off, p_size = _flatten(MEDIA_PHRASES)
    phrase = _pick_flat(rng, tone, p_off, p_size)
    outlet_kind = _choice(rng, n, [0.3, 0.4, 0.3])
    outlet_pick = rng.random(n)
    return {"org": org, "day": ctx.recent_days(org), "grade": tone, "phrase": phrase, "outlet_kind": outlet_kind,
            "outlet_pick": outlet_pick}


def _fmt_media(ctx: Ctx, t, reg):
    orgs = ctx.orgs
    phrases = _flatten(MEDIA_PHRASES)[0]
    prov = ctx.regions["prov_abbr"][reg]
    regional, r_off, r_size = _flatten([MEDIA_REGIONAL[p] for p in ("京", "浙", "皖")])
    prov_idx = np.select([prov == "京", prov == "浙"], [0, 1], 2)
    pick = t["outlet_pick"]
    national = _O(MEDIA_NATIONAL)[np.floor(pick * len(MEDIA_NATIONAL)).astype(np.int64)]
    other = _O(MEDIA_OTHER)[np.floor(pick * len(MEDIA_OTHER)).astype(np.int64)]
    local = regional.astype(object)[r_off[prov_idx] + np.floor(pick * r_size[prov_idx]).astype(np.int64)]
    kind = t["outlet_kind"]
    return {
        "grade": _O(MEDIA_GRADES)[t["grade"]],
        "title": _cat(orgs.short[t["org"]], phrases[t["phrase"]]),
        "authority": np.where(kind == 0, national, np.where(kind == 1, local, other)),
    }


def _gen_certification(ctx: Ctx, org, inject):
    rng, n = ctx.rng, len(org)
    day = ctx.recent_days(org)
    return {"org": org, "day": day, "grade": _choice(rng, n, CERT_GRADE_P),
            "body": rng.integers(0, len(CERT_BODIES), n), "inst": rng.integers(1, 1000, n),
            "seq": rng.integers(1, 100000, n), "renewal": rng.integers(0, 4, n), "valid_until": day + 3 * 365 - 1}


def _fmt_certification(ctx: Ctx, t, reg):
    year2 = ctx.years(t["day"]) % 100
    return {
        "grade": _O(CERT_GRADES)[t["grade"]],
        "authority": _O(CERT_BODIES)[t["body"]],
        "document_no": _cat(_zfill(t["inst"], 5), _O(CERT_LETTER)[t["grade"]], _zfill(year2, 2),
                            _zfill(t["seq"], 5), "R", t["renewal"], "M"),
        "removed_on": ctx.dates(t["valid_until"]),
    }


def _gen_credit(ctx: Ctx, org, inject):
    rng, n = ctx.rng, len(org)
    grade = np.clip(np.round(2.3 - 1.2 * ctx.orgs.quality[org] + rng.normal(0, 0.8, n)), 0, 8).astype(np.int16)
    return {"org": org, "day": ctx.recent_days(org), "grade": grade,
            "agency": rng.integers(0, len(RATING_AGENCIES), n)}


def _fmt_credit(ctx: Ctx, t, reg):
    return {"grade": _O(CREDIT_GRADES)[t["grade"]], "authority": _O(RATING_AGENCIES)[t["agency"]]}


def _gen_self(ctx: Ctx, org, inject):
    """Year-end figures of one of the last 6 complete years, scaled from the organisation's revenue."""
    rng, n = ctx.rng, len(org)
    last_year = ctx.ref.year - 1
    years_back = np.floor(rng.random(n) ** 1.3 * 6).astype(np.int64)
    year = last_year - years_back
    reg_year = ctx.years(ctx.orgs.reg_day[org])
    year = np.maximum(year, reg_year)
    day = (year + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) - 1  # 31 December
    indicator = _choice(rng, n, [0.3, 0.2, 0.15, 0.15, 0.1, 0.1])
    growth = np.power(1.06, -(last_year - year))
    base = ctx.orgs.revenue[org] * growth
    value = base * SELF_RATIO_MEDIAN[indicator] * rng.lognormal(0, 0.35, n)
    profit = indicator == 1
    value[profit] = base[profit] * rng.normal(0.06, 0.06, int(profit.sum()))
    return {"org": org, "day": day, "indicator": indicator, "amount": np.round(value, 2)}


def _fmt_self(ctx: Ctx, t, reg):
    return {"title": _O(SELF_INDICATORS)[t["indicator"]], "amount_10k": t["amount"]}


GENERATORS = {
    "penalty": (_gen_penalty, _fmt_penalty),
    "dishonesty_list": (_gen_dishonesty, _fmt_dishonesty),
    "abnormal_operation": (_gen_abnormal, _fmt_abnormal),
    "court_enforcement": (_gen_court, _fmt_court),
    "tax_violation": (_gen_tax, _fmt_tax),
    "spot_check": (_gen_spot, _fmt_spot),
    "accident": (_gen_accident, _fmt_accident),
    "complaint": (_gen_complaint, _fmt_complaint),
    "media_report": (_gen_media, _fmt_media),
    "certification": (_gen_certification, _fmt_certification),
    "credit_rating": (_gen_credit, _fmt_credit),
    "self_reported": (_gen_self, _fmt_self),
}
REASON_RECORD_TYPE = {"dishonesty_current": "dishonesty_list", "major_accident_3y": "accident",
                      "failed_spot_check_3y": "spot_check", "tax_violation_3y": "tax_violation"}
# record types whose background records must be dated before the 3-year window
OLD_ONLY_TYPES = ("dishonesty_list", "tax_violation")


def load_sources(path: Path | str = SOURCES_PATH) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --- Writing ---------------------------------------------------------------------------------
def _amount_text(values: np.ndarray) -> np.ndarray:
    """Floats -> "1234.50" strings with two decimals (vectorised); NaN -> ""."""
    missing = np.isnan(values)
    cents = np.round(np.where(missing, 0.0, values) * 100).astype(np.int64)
    sign = np.where(cents < 0, "-", "")
    cents = np.abs(cents)
    text = _cat(sign, cents // 100, ".", _zfill(cents % 100, 2)).astype(object)
    text[missing] = ""
    return text


def _text(column) -> np.ndarray:
    """A column as an object array of Python strings."""
    column = np.asarray(column)
    if column.dtype == object:
        return column
    if column.dtype.kind == "f":
        return _amount_text(column)
    return column.astype("U").astype(object)


def _write_csv(path: Path, headers: list[str], n: int, build_chunk, chunk_rows: int = CHUNK_ROWS) -> None:
    """Write the header row, then the rows of `build_chunk(start, stop)` (a list of columns in header
    order) for chunks of at most chunk_rows rows.

    Rows are joined in one ``str.join`` over an (rows, 2 x columns) object matrix of values and
    separators, about ten times faster than ``DataFrame.to_csv`` here. The generated values never
    contain commas, quotes or line breaks; each chunk is checked for that (by counting separators
    in the joined text) and falls back to ``to_csv``, which quotes, if one ever does.
    """
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(headers) + "\n")
        for start in range(0, n, chunk_rows):
            stop = min(n, start + chunk_rows)
            columns = [_text(c) for c in build_chunk(start, stop)]
            rows, width = stop - start, len(columns)
            cells = np.empty((rows, 2 * width), dtype=object)
            cells[:, 1::2] = ","
            cells[:, -1] = "\n"
            for j, column in enumerate(columns):
                cells[:, 2 * j] = column
            text = "".join(cells.ravel().tolist())
            del cells
            if text.count(",") == rows * (width - 1) and text.count("\n") == rows and '"' not in text \
                    and "\r" not in text:
                f.write(text)
            else:
                pd.DataFrame(dict(enumerate(columns))).to_csv(f, header=False, index=False, lineterminator="\n")


def _write_orgs(path: Path, ctx: Ctx, orgs: Orgs, chunk_rows: int) -> None:
    def chunk(a, b):
        return [orgs.code[a:b], orgs.name[a:b], ctx.dates(orgs.reg_day[a:b]), _O(SECTION_LETTERS)[orgs.section[a:b]],
                orgs.employees[a:b], orgs.revenue[a:b]]
    _write_csv(path, ORG_HEADERS, len(orgs), chunk, chunk_rows)


def _record_ids(prefix: str, start: int, stop: int, width: int) -> np.ndarray:
    return _cat(prefix + "-", _zfill(np.arange(start + 1, stop + 1), width))


def _source_weights(ctx: Ctx, record_type: str) -> np.ndarray:
    orgs = ctx.orgs
    w = orgs.activity.copy()
    factors = TYPE_SECTION_FACTOR.get(record_type)
    if factors:
        table = np.array([factors.get(letter, TYPE_SECTION_DEFAULT[record_type]) for letter in SECTION_LETTERS])
        w *= table[orgs.section]
    if record_type in OLD_ONLY_TYPES:
        w[orgs.reg_day > ctx.old_hi - 90] = 0.0
    return w


def _sample_orgs(rng, weights: np.ndarray, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(weights)
    return np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").clip(0, len(weights) - 1)


def generate(orgs: int, records: int, seed: int, out_dir: str | os.PathLike = DEFAULT_OUT_DIR,
             disqualifying_share: float = 0.05, reference_date: dt.date | str | None = None, *,
             chunk_rows: int = CHUNK_ROWS, sources: list[dict] | None = None) -> dict:
    """Write organizations.csv, one CSV per record source and manifest.json into `out_dir`.

    Returns the manifest (also written as manifest.json).
    """
    if orgs < 1:
        raise ValueError("orgs must be at least 1")
    if not 0 <= disqualifying_share <= 1:
        raise ValueError("disqualifying_share must be between 0 and 1")
    if reference_date is None:
        reference_date = dt.date.today()
    elif isinstance(reference_date, str):
        reference_date = dt.date.fromisoformat(reference_date)
    sources = sources if sources is not None else load_sources()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    rng = np.random.Generator(np.random.PCG64(seed))
    regions = _region_tables()
    org_table = make_orgs(rng, orgs, reference_date, regions)
    ctx = Ctx(rng, org_table, reference_date, regions)

    # disqualified organisations and their reasons (primary, and sometimes a second one)
    n_dq = int(round(disqualifying_share * orgs))
    dq = np.sort(rng.choice(orgs, size=n_dq, replace=False))
    primary = _choice(rng, n_dq, REASON_WEIGHTS)
    second = (primary + 1 + rng.integers(0, len(REASONS) - 1, n_dq)) % len(REASONS)
    has_second = rng.random(n_dq) < SECOND_REASON_SHARE
    inj_org = np.concatenate([dq, dq[has_second]])
    inj_reason = np.concatenate([primary, second[has_second]]).astype(np.int64)

    types_present = [s["record_type"] for s in sources]
    injected_by_type = {t: inj_org[inj_reason == REASONS.index(r)] for r, t in REASON_RECORD_TYPE.items()}
    for r, t in REASON_RECORD_TYPE.items():
        if len(injected_by_type[t]) and t not in types_present:
            raise ValueError(f"no record source of type {t} for the reason {r}")
    n_injected = len(inj_org)
    if records < n_injected:
        raise ValueError(f"{records} records cannot hold the {n_injected} disqualifying records needed")

    # background counts per source (types with several sources split their share evenly)
    per_type = {t: types_present.count(t) for t in set(types_present)}
    weights_by_source = [_source_weights(ctx, s["record_type"]) for s in sources]
    mix = np.array([TYPE_MIX.get(s["record_type"], 0.01) / per_type[s["record_type"]] for s in sources])
    mix[[w.sum() == 0 for w in weights_by_source]] = 0.0
    if mix.sum() == 0:
        raise ValueError("no record source can take records for these organisations")
    background = rng.multinomial(records - n_injected, mix / mix.sum())

    manifest = {
        "seed": seed, "orgs": orgs, "records": records, "reference_date": reference_date.isoformat(),
        "disqualifying_share": disqualifying_share, "files": {},
    }
    _write_orgs(out / "organizations.csv", ctx, org_table, chunk_rows)
    manifest["files"]["organizations.csv"] = orgs

    injected_done = set()
    warnings = {"fine_10_wan_or_more": set(), "abnormal_still_listed": set(), "negative_media_cluster": set()}
    for source, n_bg, weights in zip(sources, background, weights_by_source, strict=True):
        rtype = source["record_type"]
        gen, fmt = GENERATORS[rtype]
        org = _sample_orgs(rng, weights, int(n_bg))
        inject = np.zeros(len(org), dtype=bool)
        if rtype in injected_by_type and rtype not in injected_done:
            injected_done.add(rtype)
            extra = injected_by_type[rtype]
            org = np.concatenate([org, extra])
            inject = np.concatenate([inject, np.ones(len(extra), dtype=bool)])
        table = gen(ctx, org, inject)
        order = np.lexsort((table["org"], table["day"]))
        table = {k: v[order] for k, v in table.items()}
        _collect_warnings(ctx, rtype, table, warnings)
        n = len(org)
        width = max(8, len(str(n)))
        prefix = ID_PREFIX.get(rtype, rtype[:3].upper())
        mapping = source["column_mapping"]

        def chunk(a, b, table=table, fmt=fmt, prefix=prefix, width=width, mapping=mapping, source=source):
            part = {k: v[a:b] for k, v in table.items()}
            reg = org_table.region[part["org"]]
            cols = fmt(ctx, part, reg)
            cols["source_record_id"] = _record_ids(prefix, a, b, width)
            cols["credit_code"] = org_table.code[part["org"]]
            cols["org_name"] = org_table.name[part["org"]]
            cols["occurred_on"] = ctx.dates(part["day"])
            missing = [field for field in mapping.values() if field not in cols]
            if missing:
                raise KeyError(f"{source['code']}: no synthetic values for {missing}")
            return [cols[field] for field in mapping.values()]

        file_name = f"{source['code']}.csv"
        _write_csv(out / file_name, list(mapping), n, chunk, chunk_rows)
        manifest["files"][file_name] = n

    reasons_of: dict[str, list[str]] = {}
    for o, r in zip(org_table.code[inj_org], inj_reason, strict=True):
        reasons_of.setdefault(str(o), []).append(REASONS[r])
    manifest["record_files_total"] = int(sum(v for k, v in manifest["files"].items() if k != "organizations.csv"))
    manifest["disqualified_count"] = n_dq
    manifest["disqualified_codes"] = sorted(reasons_of)
    manifest["disqualified"] = {code: sorted(reasons_of[code], key=REASONS.index) for code in sorted(reasons_of)}
    manifest["warning_orgs"] = {k: len(v) for k, v in warnings.items()}
    with open(out / "manifest.json", "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    return manifest


def _collect_warnings(ctx: Ctx, rtype: str, t: dict, warnings: dict) -> None:
    """Organisations (indices) with warning-level records, for the manifest: a fine of 10万元 or more
    within 3 years, an abnormal-operations entry still listed, 3 or more 负面 reports within a year."""
    recent = t["day"] >= ctx.recent_lo
    if rtype == "penalty":
        warnings["fine_10_wan_or_more"].update(np.unique(t["org"][recent & (np.nan_to_num(t["amount"]) >= 10)]))
    elif rtype == "abnormal_operation":
        warnings["abnormal_still_listed"].update(np.unique(t["org"][t["removed"] == MISSING]))
    elif rtype == "media_report":
        neg = (t["day"] >= _day(_years_before(ctx.ref, 1))) & (t["grade"] == 2)
        orgs_, counts = np.unique(t["org"][neg], return_counts=True)
        warnings["negative_media_cluster"].update(orgs_[counts >= 3])


# --- Database --------------------------------------------------------------------------------
def create_organizations(out_dir: str | os.PathLike = DEFAULT_OUT_DIR, batch_size: int = 5000) -> tuple[int, int]:
    """Insert the organisations of `out_dir`/organizations.csv; codes already present are skipped.

    bulk_create skips Organization.save(), so region_code and size_class are set here.
    Returns (created, skipped).
    """
    from decimal import Decimal

    from applications.models import Organization

    frame = pd.read_csv(Path(out_dir) / "organizations.csv", dtype=str, keep_default_na=False)
    created = skipped = 0
    for start in range(0, len(frame), batch_size):
        part = frame.iloc[start:start + batch_size]
        codes = part["统一社会信用代码"].tolist()
        existing = set(Organization.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
        rows = part[~part["统一社会信用代码"].isin(existing)]
        objs = [
            Organization(credit_code=code, name=name, registered_on=dt.date.fromisoformat(reg),
                         legal_form="company", industry_section=section, employees=int(emp) if emp else None,
                         revenue_10k=Decimal(rev) if rev else None, region_code=code[2:8], size_class="")
            for code, name, reg, section, emp, rev in rows[ORG_HEADERS].itertuples(index=False, name=None)
        ]
        Organization.objects.bulk_create(objs, batch_size=batch_size, ignore_conflicts=True)
        created += len(objs)
        skipped += len(part) - len(objs)
    return created, skipped
