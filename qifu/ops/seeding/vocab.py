"""Word lists for the demo zone: industries (GB/T 4754-2017), parks, names, posts.

Modelled on the Kunshan High-tech Zone (PRODUCT.md §1): electronics, precision machinery,
biomedicine (小核酸), robots and moulds on the industrial side; software, R&D and business
services on the other. Every industry code below is a valid 4-digit GB/T 4754-2017 class.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    code: str  # GB/T 4754-2017, section letter + 4 digits
    group: str  # key into GROUPS
    weight: float  # relative frequency inside its group
    words: tuple[str, ...]  # 行业词 used in the enterprise name
    park: str = ""  # a park this class clusters in (overrides the group's park mix 3 times in 4)


# Groups: industrial (True) or not, share within their side, parks, ownership mix, high-tech rate.
@dataclass(frozen=True)
class Group:
    key: str
    industrial: bool
    share: float
    parks: tuple[tuple[str, float], ...]
    ownership: tuple[tuple[str, float], ...]  # domestic / taiwan / foreign / hk_macao
    high_tech: float


PARKS: dict[str, tuple[str, ...]] = {
    # park -> roads (玉山镇, the core of the Kunshan High-tech Zone)
    "光电产业园": ("晨丰路", "元丰路", "汉浦路", "晨溪路"),
    "精密机械产业园": ("同丰路", "萧林路", "俱进路", "北门路"),
    "小核酸及生物医药产业园": ("玉淞路", "元丰路", "山淞路"),
    "模具城": ("城北路", "黄浦江北路", "玉城北路"),
    "机器人产业园": ("汉浦路", "山淞路", "晨丰路"),
    "软件园": ("祖冲之南路", "前进西路", "亭林路"),
    "留学人员创业园": ("马鞍山西路", "前进西路"),
    "清华科技园": ("祖冲之南路", "玉山路"),
    "阳澄湖科技园": ("阳澄湖大道", "晨丰路"),
    "城北工业区": ("城北路", "北门路", "黄浦江北路", "玉城北路"),
}

_MAINLY_DOMESTIC = (("domestic", 0.85), ("taiwan", 0.08), ("foreign", 0.04), ("hk_macao", 0.03))

GROUPS: dict[str, Group] = {
    g.key: g
    for g in (
        Group(
            "electronics",
            True,
            0.40,
            (
                ("光电产业园", 0.45),
                ("城北工业区", 0.2),
                ("精密机械产业园", 0.1),
                ("留学人员创业园", 0.1),
                ("模具城", 0.1),
                ("清华科技园", 0.05),
            ),
            (("domestic", 0.43), ("taiwan", 0.35), ("foreign", 0.15), ("hk_macao", 0.07)),
            0.45,
        ),
        Group(
            "machinery",
            True,
            0.30,
            (("精密机械产业园", 0.5), ("机器人产业园", 0.15), ("模具城", 0.2), ("城北工业区", 0.15)),
            (("domestic", 0.58), ("taiwan", 0.25), ("foreign", 0.12), ("hk_macao", 0.05)),
            0.35,
        ),
        Group(
            "biomedicine",
            True,
            0.10,
            (("小核酸及生物医药产业园", 0.8), ("留学人员创业园", 0.1), ("清华科技园", 0.1)),
            (("domestic", 0.78), ("foreign", 0.12), ("taiwan", 0.05), ("hk_macao", 0.05)),
            0.55,
        ),
        Group(
            "electrical",
            True,
            0.08,
            (("光电产业园", 0.3), ("精密机械产业园", 0.3), ("城北工业区", 0.4)),
            (("domestic", 0.55), ("taiwan", 0.25), ("foreign", 0.15), ("hk_macao", 0.05)),
            0.35,
        ),
        Group(
            "materials",
            True,
            0.12,
            (("模具城", 0.5), ("城北工业区", 0.5)),
            (("domestic", 0.55), ("taiwan", 0.3), ("foreign", 0.1), ("hk_macao", 0.05)),
            0.15,
        ),
        Group(
            "software",
            False,
            0.25,
            (("软件园", 0.6), ("留学人员创业园", 0.2), ("清华科技园", 0.2)),
            _MAINLY_DOMESTIC,
            0.40,
        ),
        Group(
            "research",
            False,
            0.25,
            (("清华科技园", 0.25), ("留学人员创业园", 0.25), ("软件园", 0.2), ("阳澄湖科技园", 0.3)),
            _MAINLY_DOMESTIC,
            0.45,
        ),
        Group(
            "business",
            False,
            0.50,
            (
                ("城北工业区", 0.3),
                ("软件园", 0.2),
                ("阳澄湖科技园", 0.2),
                ("光电产业园", 0.1),
                ("精密机械产业园", 0.1),
                ("模具城", 0.1),
            ),
            _MAINLY_DOMESTIC,
            0.02,
        ),
    )
}

INDUSTRIES: tuple[Industry, ...] = (
    # C39 computers, communication and other electronic equipment
    Industry("C3912", "electronics", 6, ("电脑配件", "电子科技")),
    Industry("C3914", "electronics", 2, ("工控科技", "自动化科技")),
    Industry("C3922", "electronics", 5, ("通讯科技", "通信设备")),
    Industry("C3962", "electronics", 3, ("智能科技", "车载电子")),
    Industry("C3972", "electronics", 2, ("半导体", "微电子")),
    Industry("C3973", "electronics", 3, ("半导体", "集成电路")),
    Industry("C3974", "electronics", 6, ("光电", "显示科技"), park="光电产业园"),
    Industry("C3976", "electronics", 5, ("光电科技", "光电子"), park="光电产业园"),
    Industry("C3981", "electronics", 4, ("电子元件", "电子")),
    Industry("C3982", "electronics", 10, ("电路科技", "线路板", "电子科技")),
    Industry("C3983", "electronics", 5, ("传感技术", "传感科技")),
    Industry("C3984", "electronics", 3, ("电声科技", "声学科技")),
    Industry("C3985", "electronics", 5, ("电子材料", "新材料科技")),
    Industry("C3989", "electronics", 8, ("电子", "连接器", "精密电子")),
    # C33-C36, C40 metal products, general and special equipment, auto parts, instruments
    Industry("C3311", "machinery", 2, ("钢结构", "金属结构")),
    Industry("C3360", "machinery", 3, ("表面处理", "金属表面处理")),
    Industry("C3421", "machinery", 3, ("数控机床", "机床")),
    Industry("C3443", "machinery", 2, ("阀门", "流体控制")),
    Industry("C3453", "machinery", 2, ("传动科技", "齿轮")),
    Industry("C3482", "machinery", 3, ("紧固件", "五金制品")),
    Industry("C3484", "machinery", 10, ("精密机械", "机械制造", "精密五金")),
    Industry("C3491", "machinery", 4, ("机器人", "自动化科技", "智能装备"), park="机器人产业园"),
    Industry("C3525", "machinery", 8, ("模具", "精密模具", "模具科技"), park="模具城"),
    Industry("C3562", "machinery", 2, ("半导体设备", "电子设备")),
    Industry("C3569", "machinery", 4, ("自动化设备", "电子设备")),
    Industry("C3591", "machinery", 2, ("环保设备", "环保科技")),
    Industry("C3670", "machinery", 5, ("汽车零部件", "汽车配件")),
    Industry("C4011", "machinery", 2, ("自动化控制", "仪表")),
    Industry("C4014", "machinery", 1, ("分析仪器", "仪器")),
    # C27 pharmaceuticals, C358 medical devices
    Industry("C2710", "biomedicine", 2, ("药业", "医药化工")),
    Industry("C2720", "biomedicine", 2, ("药业", "制药")),
    Industry("C2761", "biomedicine", 5, ("生物医药", "生物制药", "生物科技")),
    Industry("C2762", "biomedicine", 3, ("生物技术", "基因科技")),
    Industry("C2770", "biomedicine", 2, ("医用材料", "卫生材料")),
    Industry("C3581", "biomedicine", 3, ("医疗科技", "医疗器械")),
    Industry("C3584", "biomedicine", 3, ("医疗器械", "医疗用品")),
    # C38 electrical machinery and equipment
    Industry("C3813", "electrical", 3, ("电机", "微电机")),
    Industry("C3823", "electrical", 3, ("电气", "电气设备")),
    Industry("C3824", "electrical", 2, ("电力电子",)),
    Industry("C3825", "electrical", 2, ("光伏科技", "新能源科技")),
    Industry("C3831", "electrical", 2, ("电线电缆", "线缆")),
    Industry("C3841", "electrical", 2, ("新能源科技", "电池")),
    Industry("C3872", "electrical", 1, ("照明", "照明科技")),
    # C22, C26, C29 paper containers, chemicals, rubber and plastics
    Industry("C2231", "materials", 2, ("包装", "纸品包装")),
    Industry("C2641", "materials", 1, ("涂料", "化工")),
    Industry("C2669", "materials", 2, ("化学", "新材料")),
    Industry("C2913", "materials", 2, ("橡胶制品", "橡塑")),
    Industry("C2922", "materials", 1, ("塑料管材", "型材")),
    Industry("C2926", "materials", 2, ("塑料包装", "包装材料")),
    Industry("C2929", "materials", 6, ("塑胶", "塑胶制品", "塑胶科技")),
    # I software and information technology
    Industry("I6511", "software", 1, ("软件",)),
    Industry("I6513", "software", 6, ("软件科技", "信息技术", "软件")),
    Industry("I6520", "software", 3, ("芯片科技", "微电子", "集成电路设计")),
    Industry("I6531", "software", 4, ("信息系统", "信息科技", "系统集成")),
    Industry("I6532", "software", 2, ("物联网科技", "智联科技")),
    Industry("I6550", "software", 1, ("数据科技", "云计算")),
    Industry("I6560", "software", 2, ("数字科技", "信息咨询")),
    # M research and technical services
    Industry("M7320", "research", 4, ("工业技术研究", "技术研究", "科技")),
    Industry("M7340", "research", 2, ("医学研究", "生物科技"), park="小核酸及生物医药产业园"),
    Industry("M7452", "research", 3, ("检测技术", "检测科技", "质量检测")),
    Industry("M7484", "research", 1, ("工程设计",)),
    Industry("M7491", "research", 2, ("工业设计",)),
    Industry("M7519", "research", 3, ("技术服务", "科技发展")),
    Industry("M7520", "research", 1, ("知识产权代理", "知识产权服务")),
    Industry("M7530", "research", 1, ("科技服务", "技术转移")),
    Industry("M7540", "research", 1, ("孵化器管理", "众创空间管理")),
    # L, F, G, K, E, P business services, trade, logistics, property, installation, training
    Industry("L7211", "business", 2, ("企业管理",)),
    Industry("L7212", "business", 3, ("投资管理", "资产管理")),
    Industry("L7221", "business", 1, ("园区管理", "产业园管理")),
    Industry("L7224", "business", 4, ("供应链管理", "供应链")),
    Industry("L7241", "business", 2, ("财税咨询", "会计服务")),
    Industry("L7263", "business", 3, ("人力资源", "劳务服务")),
    Industry("L7281", "business", 1, ("会展服务",)),
    Industry("F5175", "business", 3, ("机电设备", "电气贸易")),
    Industry("F5176", "business", 3, ("电子贸易", "电子科技")),
    Industry("F5179", "business", 4, ("机电贸易", "贸易")),
    Industry("F5193", "business", 2, ("电子商务",)),
    Industry("G5431", "business", 3, ("物流", "运输")),
    Industry("G5821", "business", 2, ("国际货运代理", "货运代理")),
    Industry("G5920", "business", 3, ("仓储", "仓储物流")),
    Industry("K7020", "business", 2, ("物业管理", "物业服务")),
    Industry("K7040", "business", 1, ("置业", "实业")),
    Industry("E4910", "business", 2, ("机电安装", "电气安装")),
    Industry("E4920", "business", 2, ("净化工程", "机电工程")),
    Industry("P8391", "business", 1, ("职业技能培训", "教育科技")),
)

# 字号 (trade names): two characters from this pool.
TRADE_CHARS = (
    "华鑫盛德宏联创达鼎丰瑞恒信源嘉立通利新美凯骏昌隆泰佳博远海天正中明光东阳升卓越捷迅锐精诚永兴"
    "富康安和润金宝晟昊晶亿科智汇众坤峰益弘晨铭腾拓维普奥欣辰烨钧航宸璟昱铂策禾启磊朗沛颢"
)
# Transliterated foreign names: a first syllable, then two more.
FOREIGN_FIRST = "艾博德莱诺威普福维赛格罗曼迈科菲雅瑞奥卡蒂安"
FOREIGN_SYLLABLES = "艾博德斯特克森莱尔诺威普福维赛格罗曼伦迈科菲雅瑞奥卡蒂安"
ENTERPRISE_SUFFIXES = ("有限公司",)

LEADER_POSTS = ("管委会主任", "党工委书记", "党工委副书记", "管委会副主任", "管委会副主任", "党工委委员")
CADRE_POSTS = (
    ("副局长", 5),
    ("科长", 6),
    ("副科长", 4),
    ("局长", 1),
    ("一级主任科员", 3),
    ("四级调研员", 2),
    ("副主任", 2),
)
HANDLER_POSTS = (("科员", 5), ("一级科员", 3), ("四级主任科员", 3), ("三级主任科员", 2), ("副科长", 1))
DESK_POSTS = ("营商办副主任", "服务专班专员", "服务专班专员", "营商办专员")
DEPUTY_OCCUPATIONS = (
    ("企业负责人", 6),
    ("社区党委书记", 2),
    ("律师", 1),
    ("教师", 1),
    ("医生", 1),
    ("科技工作者", 2),
    ("个体工商户", 1),
)

# Departments cadres come from (PRODUCT.md §1: "~7+ departments"), with relative size.
CADRE_DEPARTMENTS = (
    ("ZSJ", 14),
    ("JFJ", 14),
    ("KJJ", 10),
    ("GJJ", 8),
    ("XSJ", 8),
    ("AHJ", 8),
    ("ZGJ", 6),
    ("RSJ", 6),
    ("SJJ", 6),
    ("YSB", 6),
    ("TB", 5),
    ("SWJ", 4),
    ("JRB", 4),
    ("CGJ", 3),
    ("SYJ", 2),
)
# Busier departments get more handlers.
HANDLER_DEPARTMENT_WEIGHT = {"XSJ": 1.6, "JFJ": 1.5, "RSJ": 1.4, "AHJ": 1.4, "GJJ": 1.3, "YSB": 1.3, "ZSJ": 1.2}

# What each department does in a task force (专班).
TASKFORCE_DUTIES = {
    "ZSJ": "项目推进与协议履约",
    "JFJ": "要素保障与政策兑现",
    "XSJ": "审批代办",
    "GJJ": "规划建设审批",
    "ZGJ": "用地保障",
    "AHJ": "环评安评指导",
    "KJJ": "科技项目申报",
    "RSJ": "用工招聘保障",
    "SYJ": "员工子女入学",
    "SJJ": "证照变更",
    "SWJ": "税收政策辅导",
    "JRB": "融资对接",
    "CGJ": "周边道路配套",
    "TB": "台企服务协调",
    "YSB": "统筹协调督办",
}
PROJECT_TASKFORCE_DEPARTMENTS = ("ZGJ", "GJJ", "XSJ", "AHJ", "ZSJ", "JFJ", "CGJ")
ENTERPRISE_TASKFORCE_DEPARTMENTS = ("JFJ", "RSJ", "KJJ", "JRB", "SWJ", "SJJ")

ENTERPRISE_TAGS = {
    "export": "外贸出口",
    "rd_center": "研发中心",
    "headquarters": "总部企业",
    "gazelle": "瞪羚企业",
    "unicorn": "独角兽培育",
    "first_set": "首台套",
    "energy": "重点用能单位",
    "hazard": "安全生产重点",
}

MILESTONE_LATE_NOTES = {
    "land": ("受土地指标影响，供地时间顺延", "地块征收补偿尚未完成"),
    "filing": ("备案内容调整，重新提交",),
    "planning_permit": ("规划方案调整，等待重新审查", "设计方案专家评审意见待落实"),
    "construction_permit": ("施工图审查意见待回复", "消防设计审查办理中"),
    "start": ("施工单位招标延期", "进场道路及临时用电待接入"),
    "completion": ("设备进口清关延迟", "受雨季影响，主体结构施工延后"),
    "production": ("生产设备调试延期", "排污许可办理中"),
    "full_production": ("市场订单不及预期，产能爬坡放缓", "关键岗位人员招聘不足"),
}


# What the projects of each industry produce: (product, unit) for "年产N单位产品项目".
PRODUCTS: dict[str, tuple[str, str]] = {
    "C3912": ("电脑配件", "万件"),
    "C3914": ("工业控制系统", "台套"),
    "C3922": ("通信终端", "万台"),
    "C3962": ("智能车载终端", "万台"),
    "C3972": ("功率半导体器件", "亿只"),
    "C3973": ("集成电路封测", "亿颗"),
    "C3974": ("显示模组", "万片"),
    "C3976": ("光电子器件", "万件"),
    "C3981": ("片式电感", "亿只"),
    "C3982": ("柔性线路板", "万平方米"),
    "C3983": ("传感器", "万只"),
    "C3984": ("微型扬声器", "万只"),
    "C3985": ("电子级功能材料", "吨"),
    "C3989": ("连接器", "亿只"),
    "C3311": ("钢结构件", "吨"),
    "C3360": ("金属表面处理", "万平方米"),
    "C3421": ("数控机床", "台"),
    "C3443": ("工业阀门", "万台"),
    "C3453": ("精密减速机", "万台"),
    "C3482": ("高强度紧固件", "吨"),
    "C3484": ("精密零部件", "万件"),
    "C3491": ("工业机器人", "台"),
    "C3525": ("精密模具", "套"),
    "C3562": ("半导体封装设备", "台"),
    "C3569": ("自动化设备", "台套"),
    "C3591": ("环保设备", "台套"),
    "C3670": ("汽车零部件", "万套"),
    "C4011": ("工业自动控制系统", "套"),
    "C4014": ("分析仪器", "台"),
    "C2710": ("原料药", "吨"),
    "C2720": ("化学制剂", "万盒"),
    "C2761": ("小核酸原料药", "公斤"),
    "C2762": ("生物制剂", "万支"),
    "C2770": ("医用敷料", "万件"),
    "C3581": ("医疗诊断设备", "台"),
    "C3584": ("医用耗材", "万件"),
    "C3813": ("微特电机", "万台"),
    "C3823": ("智能配电设备", "台套"),
    "C3824": ("功率模块", "万只"),
    "C3825": ("光伏组件", "兆瓦"),
    "C3831": ("特种线缆", "万米"),
    "C3841": ("锂离子电池", "万只"),
    "C3872": ("LED照明灯具", "万套"),
    "C2231": ("纸包装制品", "万只"),
    "C2641": ("功能涂料", "吨"),
    "C2669": ("电子化学品", "吨"),
    "C2913": ("橡胶密封件", "万件"),
    "C2922": ("塑料管材", "吨"),
    "C2926": ("塑料包装材料", "吨"),
    "C2929": ("精密注塑件", "万件"),
}
