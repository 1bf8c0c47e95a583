"""What enterprises write (诉求) and how departments answer, composed per case from many parts.

A request is: an opener (or none), one or two situations of its category, specifics (amounts,
dates, people), an ask, and a closer (or none), in a formal, plain or chat-like register, short or
long; then realistic noise: dropped punctuation, run-on sentences, typos and homophones. A few
mention a second topic, a few were re-routed by the desk (the final category or lead department
differs from the text's usual one). No fragment names the category: the words a classifier learns
are the ones people use.

`compose(rng, category, product)` draws from the planner's random stream (deterministic, no jieba,
a few microseconds a case); `samples(n, seed)` yields (text, category, department) triples for tests
and evaluations without a database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    titles: tuple[str, ...]
    situations: tuple[str, ...]  # what is happening: {c} company, {p} product, {n} {nn} {m} {d} {mon}
    asks: tuple[str, ...]  # what the enterprise wants done
    answers: tuple[str, ...]  # the department's reply


# Default lead department per category (taxonomy.yaml), and where the desk sometimes sends it instead.
DEFAULT_DEPT = {
    "financing": "JRB", "recruitment": "RSJ", "talent": "RSJ", "schooling": "SYJ", "land": "ZGJ",
    "premises": "ZSJ", "construction": "GJJ", "licensing": "XSJ", "registration": "SJJ",
    "ip_quality": "SJJ", "tax": "SWJ", "policy": "JFJ", "innovation": "KJJ", "safety": "AHJ",
    "environment": "AHJ", "utilities": "JFJ", "transport": "CGJ", "cityscape": "CGJ", "market": "JFJ",
    "credit": "SJJ", "taiwan": "TB", "other": "YSB",
}  # fmt: skip
REROUTE_DEPT = {
    "financing": ("JFJ",), "recruitment": ("SYJ", "ZSJ"), "talent": ("KJJ", "ZSJ"), "schooling": ("RSJ",),
    "land": ("ZSJ", "GJJ"), "premises": ("JFJ", "ZGJ"), "construction": ("ZGJ", "XSJ"),
    "licensing": ("SJJ", "AHJ"), "registration": ("XSJ",), "ip_quality": ("KJJ",), "tax": ("JFJ",),
    "policy": ("KJJ", "RSJ"), "innovation": ("JFJ",), "safety": ("GJJ",), "environment": ("ZGJ",),
    "utilities": ("GJJ", "CGJ"), "transport": ("GJJ",), "cityscape": ("GJJ",), "market": ("ZSJ",),
    "credit": ("XSJ",), "taiwan": ("ZSJ",), "other": ("CGJ", "ZSJ"),
}  # fmt: skip
# Neighbours whose texts the desk sometimes files under this category (a re-routed request).
NEIGHBOURS = {
    "financing": ("policy",), "recruitment": ("talent",), "talent": ("recruitment", "schooling"),
    "schooling": ("talent",), "land": ("premises", "construction"), "premises": ("land",),
    "construction": ("licensing", "land"), "licensing": ("construction", "registration"),
    "registration": ("licensing",), "ip_quality": ("innovation",), "tax": ("policy",),
    "policy": ("innovation", "tax"), "innovation": ("policy", "ip_quality"), "safety": ("environment",),
    "environment": ("safety",), "utilities": ("construction",), "transport": ("cityscape",),
    "cityscape": ("transport",), "market": ("policy",), "credit": ("registration",),
    "taiwan": ("talent",), "other": ("cityscape",),
}  # fmt: skip

BANKS: dict[str, Bank] = {
    "financing": Bank(
        titles=(
            "流动资金紧张求助",
            "银行贷款对接",
            "续贷过桥资金申请",
            "知识产权质押融资",
            "贷款利率偏高",
            "融资担保咨询",
            "应收账款融资",
        ),
        situations=(
            "{c}{p}订单排得很满，备料占用大量资金，账上流动资金只够撑{n}个月",
            "{c}在银行有一笔{m}的贷款{mon}到期，续贷手续还没批下来，担心资金链断掉",
            "{c}名下有发明专利{n}项，想拿专利去做质押贷款，不清楚评估怎么做",
            "合作银行近期收紧授信，{c}原有额度被压降了{m}，采购款付不出去",
            "{c}是轻资产企业，没有厂房土地可以抵押，几家银行都说做不了信用贷",
            "{c}想给新上的{p}产线配一笔中长期设备贷款，金额约{m}",
            "下游客户账期拉长到{n}个月，{c}应收款积压{m}，想做保理或供应链融资",
            "银行给的贷款利率比同行高出不少，加上担保费综合成本太高",
            "{c}准备引入股权投资，想了解区里的产业基金能不能参投",
            "担保公司要求反担保，{c}实在拿不出足额的抵押物",
        ),
        asks=(
            "希望帮忙对接愿意放款的银行",
            "请协调使用转贷应急资金过渡一下",
            "恳请金融部门牵线政府性融资担保",
            "想了解有没有贴息或者风险补偿政策",
            "请帮助协调银行尽快完成授信审批",
            "能否推荐合适的金融产品",
        ),
        answers=(
            "已组织合作银行上门对接，授信调查已完成，额度按企业经营情况核定，放款进度由金融办跟踪。",
            "已将企业纳入转贷应急资金支持名单，过桥资金已拨付，续贷手续办结。",
            "已向企业提供知识产权质押融资办理指引，对接两家合作银行，贴息按年度政策申报。",
            "已协调政府性融资担保公司为企业提供担保，担保费率按政策下调。",
            "已召集三家银行召开银企对接会，企业已与其中一家达成授信意向。",
            "已向企业推荐供应链金融产品，并协调核心企业完成应收账款确权。",
        ),
    ),
    "recruitment": Bank(
        titles=(
            "一线工人招聘难",
            "招聘会展位申请",
            "劳务用工对接",
            "员工社保办理问题",
            "劳动关系咨询",
            "用工补贴申请",
            "技能培训需求",
        ),
        situations=(
            "{c}{p}产线扩产，普工缺口大概{nn}人，网上招聘效果很差",
            "旺季马上到了，{c}车间操作工流失严重，每月都要走掉好几十个人",
            "{c}想参加近期的专场招聘会，需要焊工、电工、质检员等岗位{nn}个",
            "新招的{n}名员工社保从外地转入，系统里一直办不下来",
            "{c}和一名员工对解除合同有分歧，对方说要去申请劳动仲裁",
            "{c}今年吸纳了{nn}名高校毕业生，想申请就业见习和社保补贴",
            "员工的职业技能等级认定怎么组织，{c}想给{nn}名技工评级",
            "劳务派遣人员比例超了，{c}不清楚怎么整改才合规",
            "{c}招不到会操作数控设备的技术工人，岗位空了{n}个月",
            "有员工在厂里受伤，工伤认定的材料交上去还没有结果",
        ),
        asks=(
            "请人社部门帮忙对接劳务输出地",
            "希望组织职业院校来厂里对接实习生",
            "请帮忙催办一下",
            "想了解需要准备哪些材料",
            "希望安排一场定向招聘",
            "请给予政策指导",
        ),
        answers=(
            "已将岗位需求发布到区人才市场和合作劳务基地，企业已参加本月专场招聘，部分员工已到岗。",
            "已为企业预留专场招聘会展位，并在公众号同步推送岗位。",
            "已与社保中心核实，转移手续办理完成，员工社保已正常缴纳。",
            "劳动保障监察已上门指导，企业已按规定完善劳动合同管理。",
            "已指导企业在线申报见习补贴，补贴资金已审核拨付。",
            "已对接两所职业院校，校企合作订单班下月开班。",
        ),
    ),
    "talent": Bank(
        titles=(
            "人才公寓入住申请",
            "高层次人才认定",
            "外籍专家工作许可",
            "人才落户咨询",
            "人才购房补贴",
            "人才安家补助",
        ),
        situations=(
            "{c}今年引进了{n}名博士和硕士，刚来这边还没地方住",
            "{c}技术负责人准备申报领军人才，不知道认定标准和需要的佐证",
            "{c}聘用的外籍工程师工作许可{mon}到期，延期材料有几项拿不准",
            "新来的研发骨干想把户口迁到本区，人才落户的手续不清楚",
            "按引才政策{c}的研发总监可以拿购房补贴，申请交了很久没动静",
            "{c}柔性引进了高校的教授团队，想了解能享受哪些人才待遇",
            "外国专家的居留许可和来华工作许可要同时办，{c}没经验",
            "高层次人才的配偶就业安置问题，{c}希望区里帮着想办法",
            "{c}的几位技术专家想申请人才津贴，政策口径不清楚",
        ),
        asks=(
            "请告知房源和申请流程",
            "希望人才办给予一对一辅导",
            "请帮忙查询审核进度",
            "恳请协助办理",
            "想了解具体的申报时间",
            "请明确所需材料清单",
        ),
        answers=(
            "已为企业安排人才公寓房源，相关人员已办理入住手续。",
            "已向企业解读人才认定条件，申报材料已提交并进入评审。",
            "已指导企业补齐材料，工作许可延期已办结。",
            "已协调派出所开通人才落户绿色通道，落户手续已完成。",
            "购房补贴已审核通过，资金将在本月拨付到个人账户。",
        ),
    ),
    "schooling": Bank(
        titles=("员工孩子上学", "子女转学协调", "人才子女就读", "随迁子女学位", "幼儿园入园咨询", "课后托管需求"),
        situations=(
            "{c}引进的骨干有{n}个孩子今年秋季要读小学，户籍不在本地",
            "一名中层的孩子要从外省转学回来上初中，学校说学位已满",
            "{c}外地员工多，随迁子女明年要上一年级，积分入学怎么算",
            "高管家的小孩想读附近的公办幼儿园，报名时被告知要排队",
            "员工反映孩子放学早没人接，{c}想问园区能不能搞课后托管",
            "外籍技术人员的子女想在本区就读，不知道哪所学校可以接收",
            "{c}员工子女的学籍转入一直卡在系统审核",
        ),
        asks=(
            "希望教育部门协调学位",
            "请告知入学政策和报名时间",
            "恳请帮助解决孩子读书问题",
            "请帮忙对接学校",
            "想了解需要哪些证明材料",
        ),
        answers=(
            "已会同学校按人才子女入学政策统筹安排，员工子女已落实就读学校。",
            "已向企业告知转学政策和办理时间，并协调学校接收。",
            "已将员工子女纳入随迁子女统筹安排，入学通知已发放。",
            "已协调附近小学开设课后服务，企业员工子女可报名参加。",
        ),
    ),
    "land": Bank(
        titles=("新增用地需求", "土地出让进度", "交地延迟", "土地证办理", "用地性质调整", "闲置地块收储"),
        situations=(
            "{c}二期项目需要再拿{nn}亩工业用地，想纳入今年的供地计划",
            "{c}竞得的地块合同签了大半年，地上附着物还没清完，迟迟交不了地",
            "地籍调查时发现{c}厂区有一角压到了相邻地块，权属登记停在那里",
            "厂区边上有一块空地，{c}想扩建仓储，不清楚能不能挂牌出让",
            "{c}早年的划拨用地想转成出让，补缴出让金的标准不清楚",
            "拿地时约定的容积率和现在的规划条件不一致，{c}很被动",
            "{c}投资{m}的新项目已经落地，用地指标却一直没有着落",
            "园区调整规划后{c}的地块被划了一部分出去，补偿怎么算",
        ),
        asks=(
            "请自然资源部门明确时间",
            "希望尽快组织出让",
            "请协调解决交地问题",
            "恳请给予用地指标支持",
            "请告知办理程序",
        ),
        answers=(
            "已将企业用地需求纳入年度供地计划，后续按程序组织出让，专人跟踪。",
            "已协调相关部门加快清表，地块已具备交地条件。",
            "已组织重新测绘并更正登记信息，不动产权证已核发。",
            "已向企业说明划拨转出让的程序和补缴标准。",
        ),
    ),
    "premises": Bank(
        titles=("标准厂房租赁需求", "厂房租金补贴", "孵化器场地续租", "代建厂房交付", "研发楼购置咨询", "仓库场地寻找"),
        situations=(
            "{c}{p}业务做大了，想租{nn}00平方米左右的标准厂房，层高要8米以上",
            "{c}在孵化器的租期快满了，团队扩到{nn}人，需要更大的场地",
            "园区厂房的租金今年涨得厉害，{c}想问能不能享受租金减免",
            "代建厂房约定的交付时间已经过了，设备到了没地方放",
            "{c}想在区里买一栋独栋研发楼做总部，不知道产业用房能不能分割转让",
            "急需一个{nn}00平的仓库，要能进大货车，地面承重好",
            "现租的厂房消防等级不够，{c}上的{p}项目没法通过验收",
            "{c}打算把生产基地从外地搬过来，需要现成的厂房拎包入驻",
        ),
        asks=(
            "希望推荐合适的载体",
            "请招商部门帮忙协调",
            "想了解租金补贴政策",
            "请督促代建方尽快交付",
            "能否安排实地看房",
        ),
        answers=(
            "已推荐三处符合条件的标准厂房并陪同企业实地看房，企业已选定载体。",
            "已向企业说明租金补贴政策，企业符合条件，可在申报期内提交材料。",
            "已督促代建单位加快进度，厂房已完成竣工验收并交付。",
            "已为企业对接加速器空置楼层，双方已签订租赁意向。",
        ),
    ),
    "construction": Bank(
        titles=("施工许可办理", "规划方案调整", "竣工验收协调", "消防验收复验", "厂区改扩建报建", "容积率调整"),
        situations=(
            "{c}的新车间图纸审完了，就差那张开工的证，钢材已经进场",
            "{c}想在厂区内加建一栋{n}层的研发楼，规划方案要调整",
            "项目主体完工了，联合竣工验收一直约不上时间",
            "消防验收提出的问题已经整改完毕，需要申请复验",
            "老厂房想在屋顶再加一层做办公，规划手续要不要重走",
            "工艺需要，{c}想把容积率和建筑限高调一下",
            "装卸区想盖个遮雨的棚子，临时建筑要不要审批",
            "{c}的项目红线外的配套道路和管网谁来建，影响开工",
        ),
        asks=(
            "请住建和规划部门加快审批",
            "希望开通并联审批",
            "请安排人员现场指导",
            "恳请给予答复",
            "请告知报建流程和时限",
        ),
        answers=(
            "已开通并联审批，施工许可证已核发。",
            "已组织规划建设局与企业沟通方案，明确调整程序和所需材料。",
            "已协调各验收部门联合验收，项目已通过竣工验收备案。",
            "已安排消防复验，复验合格。",
        ),
    ),
    "licensing": Bank(
        titles=("生产许可办理", "食品经营许可延续", "项目备案咨询", "许可证换证", "经营许可审批时限", "资质审批加急"),
        situations=(
            "{c}新上{p}产线，相关生产许可要变更，不清楚材料要求",
            "厂里员工餐厅的证照{mon}就满期了，不知道续办要提前多久",
            "{c}准备上一个约{m}的设备更新项目，立项要先在网上登记吗",
            "{c}的危化品经营资质到期换发，补正通知看不懂要补什么",
            "{c}准备生产一次性输液器，生产资质申请周期有多长",
            "{c}买了{n}辆冷链车想自己跑运输，营运资质怎么申请",
            "许可审批要跑好几个窗口，{c}希望一次办好",
            "{c}的辐射安全许可证快到期，延续要提前多久申请",
        ),
        asks=(
            "请审批部门一次性告知材料",
            "希望安排帮办代办",
            "请说明审批时限",
            "恳请加快办理",
            "想了解能不能网上办",
        ),
        answers=(
            "已安排专人上门指导，许可变更已办结。",
            "许可延续已办理完成，新证已送达企业。",
            "已指导企业在线完成项目备案，备案证明已出具。",
            "已一次性告知补正材料，换证已办结。",
            "已纳入帮办代办服务，审批已按承诺时限完成。",
        ),
    ),
    "registration": Bank(
        titles=("经营范围变更", "法定代表人变更", "股权变更登记", "注册地址迁移", "公司注销咨询", "增资登记"),
        situations=(
            "{c}要增加{p}相关的经营范围，网上登记时提示要前置审批",
            "法定代表人换人了，外方股东的材料要公证认证",
            "原股东退出，营业执照上的股东信息要变更",
            "{c}准备把注册地址迁到园区，跨区迁移怎么衔接",
            "旗下一个壳公司常年零申报，想关掉又怕程序太繁",
            "{c}要把注册资本从{nn}0万增加到{nn}00万",
            "经营范围的规范表述在系统里找不到，不知道怎么填",
            "{c}想设立一家分公司，登记要哪些材料",
        ),
        asks=(
            "请市场监管部门指导",
            "希望一次性告知材料",
            "请帮忙看看卡在哪一步",
            "恳请协助办理",
            "想了解能否全程网办",
        ),
        answers=(
            "已指导企业完成经营范围变更登记。",
            "已一次性告知所需材料，变更登记已办结。",
            "已协调迁出地与迁入地登记机关，迁移登记已完成。",
            "已指导企业通过简易注销程序办理，公告期满后已核准注销。",
        ),
    ),
    "ip_quality": Bank(
        titles=("专利资助申报", "商标侵权维权", "产品检测加急", "计量器具检定", "标准制定资助", "质量认证咨询"),
        situations=(
            "{c}今年新申请了{n}件发明专利，专利资助怎么申报",
            "{c}的注册商标被人仿冒，电商平台上假货很多",
            "{p}出口需要第三方检测报告，检测机构排期要{nn}天",
            "生产线上的计量器具要年检，停线送检损失大",
            "{c}想牵头起草一项团体标准，不知道有没有资助",
            "客户要求{c}做ISO9001和CE认证，流程和费用不清楚",
            "{c}的产品抽检不合格，对检测结果有异议",
            "{c}申请的商标被驳回了，想复审",
        ),
        asks=(
            "请协调检测机构开辟绿色通道",
            "希望上门检定",
            "请指导维权途径",
            "想了解资助政策",
            "恳请帮助",
        ),
        answers=(
            "已向企业解读资助政策并指导申报。",
            "已协调检测机构开辟绿色通道，检测报告已出具。",
            "已安排计量检定人员上门检定，检定证书已出具。",
            "已会同执法部门对侵权线索立案调查，并指导企业向平台投诉。",
        ),
    ),
    "tax": Bank(
        titles=("研发费用加计扣除", "出口退税进度", "发票领用调整", "留抵退税", "纳税人身份转换", "税收优惠咨询"),
        situations=(
            "{c}研发投入大，加计扣除的费用归集口径不清楚",
            "{c}一笔出口退税约{m}申报了很久还没到账",
            "业务量上来了，增值税专票的月领用量不够用",
            "增值税期末留抵的那部分想申请退还，审核时卡在进项核查",
            "{c}营业额超过小规模标准了，要转一般纳税人",
            "和高校合作开发的项目费用，汇算清缴时怎么归集",
            "{c}是高新技术企业，企业所得税优惠怎么备案",
            "金税系统开票时老是报错，影响给客户开发票",
        ),
        asks=(
            "希望税务部门上门辅导",
            "请帮忙查询进度",
            "申请调整额度",
            "请给予政策解答",
            "恳请尽快处理",
        ),
        answers=(
            "税务分局已安排专管员上门辅导，企业已按口径完成归集。",
            "已核实退税进度，退税款已到账。",
            "已按规定为企业调整发票领用量。",
            "已核实异常发票情况，企业补正后留抵退税已办理。",
        ),
    ),
    "policy": Bank(
        titles=("惠企政策兑现", "技改补贴申报", "专精特新奖励", "稳岗补贴咨询", "招商协议兑现", "规上企业奖励"),
        situations=(
            "{c}去年更新了一批数控设备花了约{m}，设备更新的扶持资金怎么拿",
            "{c}被评为专精特新企业，区里承诺的奖励还没兑现",
            "{c}今年首次纳入规上工业统计，听说有一次性奖励",
            "当初签约时承诺的落户奖励，{c}已经达到条件了还没拿到",
            "惠企政策条目太多，{c}不知道自己能享受哪些",
            "{c}没有裁员，稳岗补贴需要自己申请吗",
            "智能化改造、数字化车间的扶持政策今年有没有变化",
            "{c}上了ERP和MES系统，两化融合项目能不能申请补贴",
        ),
        asks=(
            "请经发部门解读政策",
            "希望帮忙梳理可享受的政策",
            "请告知申报时间和条件",
            "恳请按协议兑现",
            "想了解资金什么时候到位",
        ),
        answers=(
            "已向企业解读政策，企业符合申报条件，已指导在系统中提交申报材料。",
            "奖励资金已列入本批次兑现计划，将于近期拨付。",
            "稳岗补贴实行免申即享，符合条件的企业将直接拨付至对公账户。",
            "已为企业出具政策体检清单，列明可享受的政策和申报时点。",
        ),
    ),
    "innovation": Bank(
        titles=("高企认定辅导", "研发平台申报", "产学研合作", "成果转化项目", "科技型中小企业评价", "创新券使用"),
        situations=(
            "{c}的高企证书明年到期，复审材料里知识产权数量不够",
            "{c}想建{p}工程技术研究中心，省级研发平台的条件不清楚",
            "{c}和研究院谈了一个联合攻关课题，想争取市里的科技计划立项",
            "{c}买断了一项高校专利准备产业化，科技成果落地有没有资助",
            "{c}想申报省级工程研究中心，评审看重哪些指标",
            "研发投入占营收{n}%了，研发费用后补助怎么申请",
            "{c}在做5G和工业互联网的应用研发，有没有科技项目可以申请",
            "{c}研发的{p}通过了首台套认定，后续还有哪些支持",
        ),
        asks=(
            "希望科技部门派人辅导",
            "请告知申报要求",
            "想了解有没有经费支持",
            "恳请推荐纳入培育库",
            "请帮忙对接高校资源",
        ),
        answers=(
            "已安排辅导机构上门，企业已完成高企认定申报。",
            "已向企业解读申报要求，推荐纳入年度培育库。",
            "已对接高校科技处，合作协议正在洽谈。",
            "已指导企业申领创新券，用于购买检测和研发服务。",
        ),
    ),
    "safety": Bank(
        titles=("安全标准化创建", "隐患排查指导", "危化品仓库改造", "应急演练指导", "安全评价验收", "有限空间作业"),
        situations=(
            "{c}想开展安全标准化达标创建，不知从哪里入手",
            "车间粉尘大，{c}担心有爆炸风险",
            "危化品仓库要按新规改造，方案拿不准",
            "{c}想组织一次应急演练，需要专业人员指导",
            "{c}要新建一个液氨储罐，安全设施设计审查谁来管",
            "上次检查说{c}的有限空间作业管理不规范",
            "{c}的叉车司机和电工要做特种作业培训取证",
            "厂区动火作业审批流程怎么建立",
        ),
        asks=(
            "请派专家上门查看",
            "希望给予指导",
            "请提供制度模板",
            "恳请尽快安排",
            "想了解整改标准",
        ),
        answers=(
            "已组织专家上门指导，企业已制定创建计划。",
            "已组织专家现场查看并出具整改建议。",
            "已指导企业开展隐患自查，隐患已整改闭环。",
            "已安排应急演练指导，演练顺利完成。",
        ),
    ),
    "environment": Bank(
        titles=("环评审批加快", "排污指标", "危废处置协调", "废气异味投诉", "在线监测问题", "排污许可"),
        situations=(
            "{c}{p}二期的环境影响评价文件受理快{n}周了，没有审批意见",
            "新增工序后废水排放增加约{nn}吨每天，排放指标不够",
            "{c}危险废物仓库快满了，处置单位迟迟不来清运",
            "附近有企业夜里排废气，气味刺鼻，员工意见很大",
            "排口的自动监控数据传输中断了{n}次，被通报了",
            "{c}要上一条涂装线，挥发性有机物的总量从哪里调剂",
            "排污许可证要变更，{c}不清楚排污权交易怎么操作",
            "{c}想做清洁生产审核，希望有人指导",
        ),
        asks=(
            "请环保部门加快审批",
            "请协调有资质的处置单位",
            "希望派人现场核查",
            "恳请给予指导",
            "请明确指标解决方案",
        ),
        answers=(
            "环评已进入审批程序并按时批复。",
            "已会同相关部门研究，明确指标调剂方案。",
            "已协调有资质的处置单位上门清运，危废已规范处置。",
            "已组织执法人员夜间巡查，涉事企业已整改。",
        ),
    ),
    "utilities": Bank(
        titles=("用电增容", "频繁停电", "天然气接入", "供水压力不足", "蒸汽供热接入", "电价咨询"),
        situations=(
            "{c}新厂房投产要增容约{nn}00千伏安，供电所排期太晚",
            "这个月已经断了{n}次电，精密设备重启一次就报废一批料",
            "{c}新上{p}产线要接天然气，燃气公司说要等{n}个月",
            "用水高峰时厂区水压不够，冷却系统补不上水",
            "园区集中供热管网还没通到{c}，锅炉要淘汰了",
            "{c}想装分布式光伏，并网手续怎么办",
            "工业用电的峰谷电价政策不清楚，电费太高",
            "厂区雨污管网堵塞，一下雨就倒灌",
        ),
        asks=(
            "请协调供电公司",
            "请协调燃气公司调整排期",
            "希望尽快排查解决",
            "恳请给予支持",
            "请明确接入时间",
        ),
        answers=(
            "已协调供电公司现场勘查，增容方案已确定，预计按期送电。",
            "已协调燃气公司调整排期，管道接入已完成。",
            "供水公司已排查并完成管网改造，水压恢复正常。",
            "已协调供电部门排查线路故障，更换老化设备后供电已稳定。",
        ),
    ),
    "transport": Bank(
        titles=("增设公交站点", "货车通行证", "路口交通安全", "道路未贯通", "通勤班车", "停车位设置"),
        situations=(
            "{c}员工{nn}0多人，上下班没有公交，通勤很不方便",
            "{c}的厢式货车进不了市中心，客户那边急着要货",
            "园区出口的丁字路口视线差，已经发生过{n}起剐蹭",
            "规划中的那条连接线迟迟不开工，园区进出只有一条路",
            "客户来访车辆没地方停，{c}想在路边设临时停车位",
            "{c}的大件设备运输需要办理超限运输许可",
            "夜班员工下班没有车，想开通定制班车",
            "附近的高速出入口施工封闭，物流成本增加不少",
        ),
        asks=(
            "希望交通部门调整线路",
            "请告知办理方式",
            "请交警部门现场查看",
            "恳请尽快解决",
            "希望纳入明年的建设计划",
        ),
        answers=(
            "已会同交通部门研究，已调整公交线路增设站点。",
            "已指导企业在线办理通行证。",
            "已协调交警部门增设信号灯和减速标线。",
            "道路打通工程已列入年度计划，预计年内通车。",
        ),
    ),
    "cityscape": Bank(
        titles=("道路破损维修", "绿化带修剪", "垃圾清运", "路灯维修", "户外招牌设置", "积水问题"),
        situations=(
            "厂门口的道路坑坑洼洼，下雨天积水很深",
            "园区道路两侧绿化长得太高，挡住了视线",
            "路边的垃圾桶满了溢出来，苍蝇很多",
            "门口一段路灯坏了{n}盏，晚上下班很黑",
            "楼顶想装一个发光字的厂名，需要办什么手续",
            "人行道砖松动，走路一踩一脚泥",
            "行道树的枝条碰到了{c}的电线",
            "路边有人乱搭乱建，影响厂区形象",
        ),
        asks=(
            "请城管部门安排维修",
            "请安排养护单位处理",
            "希望尽快清理",
            "恳请派人查看",
            "请告知审批要求",
        ),
        answers=(
            "城管局已安排维修，道路已修复。",
            "已安排养护单位完成修剪。",
            "已安排环卫作业单位清运，并增加清运频次。",
            "路灯已更换维修，恢复正常照明。",
        ),
    ),
    "market": Bank(
        titles=("产销对接", "本地配套供应商", "展会补贴", "进入采购目录", "开拓国内市场", "首购首用推广"),
        situations=(
            "{c}的{p}新品想找本地整机厂试用",
            "{c}的{p}外协加工都在外地，运费和交期压力大，想在本地找协作厂",
            "{c}报名了{mon}的国际工业博览会，特装展位费用不低",
            "{c}的{p}想进政府集中采购的供应商库",
            "受关税影响出口单子少了，{c}想做内销但没有渠道",
            "{c}做的{p}想在区内企业推广应用",
            "{c}想开网店做跨境电商，不懂平台规则",
            "上下游配套不齐，{c}想找区内企业合作",
        ),
        asks=(
            "希望帮忙引荐客户",
            "请帮忙对接供应商",
            "想了解展会补贴政策",
            "恳请搭建对接平台",
            "请推荐渠道商",
        ),
        answers=(
            "已邀请企业参加本月产销对接会，并推荐三家潜在客户。",
            "已推荐本地配套企业并组织对接。",
            "已告知企业展会补贴申报方式。",
            "已将企业产品纳入本地产品推介目录。",
        ),
    ),
    "credit": Bank(
        titles=("处罚记录修复", "经营异常移出", "信用报告开具", "失信记录纠正", "无违法证明", "信用评价等级"),
        situations=(
            "{c}有一项行政处罚早就整改完了，公示还挂在网上",
            "{c}登记的住所联系不上被标注了异常状态，其实只是搬了办公室",
            "参加投标需要企业信用报告，不知道去哪开",
            "{c}的法人被别的案子牵连上了黑名单，公司融资受影响",
            "{c}准备上市，需要各部门出具无违法违规证明",
            "{c}的纳税信用等级从A掉到了B，想知道扣分项",
            "{c}的环保处罚记录影响了评优和投标",
        ),
        asks=(
            "申请把这条记录修复掉",
            "请帮忙核查纠正",
            "想了解移出程序",
            "恳请协调出证",
            "请告知办理渠道",
        ),
        answers=(
            "已指导企业提交修复申请，相关记录已停止公示。",
            "已告知企业开具渠道，企业已取得信用报告。",
            "已核实并更正错误信息，相关记录已撤销。",
            "已协调各部门出具无违法违规证明。",
        ),
    ),
    "taiwan": Bank(
        titles=("台胞居住证办理", "台资企业政策", "台籍员工社保", "两岸交流活动", "台胞购房咨询", "台资企业通关"),
        situations=(
            "{c}的台籍干部{n}人要办台湾居民居住证",
            "{c}是台资企业，想了解转型升级的支持政策",
            "台籍员工的个税申报用哪个证件号码，系统老报错",
            "{c}想去参加海峡两岸的产业对接会，报名渠道不清楚",
            "台湾同胞在本地申请住房公积金贷款，条件和大陆职工一样吗",
            "台资企业扩大投资，有没有专门的奖励办法",
            "台籍员工的子女在这边读书，升学资格怎么认定",
            "台商协会想组织会员企业座谈",
        ),
        asks=(
            "请台办协助对接",
            "希望给予政策解读",
            "请帮忙协调相关部门",
            "恳请告知活动安排",
            "想了解具体办法",
        ),
        answers=(
            "已协助对接公安部门，居住证已办理。",
            "已向企业解读相关政策并提供申报指引。",
            "已协调社保和公积金中心更新证件信息。",
            "已邀请企业参加两岸经贸交流活动。",
        ),
    ),
    "other": Bank(
        titles=("周边治安问题", "事项归口咨询", "意见建议", "邻里纠纷协调", "活动报名咨询", "公共秩序问题"),
        situations=(
            "仓库外面的围挡被人拆走了几块，晚上不安全",
            "{c}和隔壁厂因为围墙边界起了争执",
            "{c}有件事不知道该找哪个部门办",
            "{c}觉得企业服务热线经常占线，建议增加坐席",
            "{c}想借用园区的会议中心办年会，不知道归谁管",
            "园区门口摆摊的越来越多，早晚高峰很拥挤",
            "有人冒充管委会工作人员上门推销",
            "{c}对上次的服务有些意见想反映",
        ),
        asks=(
            "请帮忙协调处理",
            "请告知归口部门",
            "希望派人了解情况",
            "恳请重视",
            "麻烦给个答复",
        ),
        answers=(
            "已协调属地派出所加强巡查。",
            "已明确办理部门并告知企业。",
            "已将建议转交相关部门研究。",
            "已会同属地村委会协调，双方已达成一致。",
        ),
    ),
}

PRODUCTS = ("精密零件", "电子元器件", "智能装备", "医疗器械", "模具", "新材料", "软件", "光电器件", "汽车配件")

# How the company refers to itself, per register.
COMPANY = {
    "formal": ("我司", "我公司", "本公司", "本企业"),
    "plain": ("我们公司", "公司", "我们", "我们企业"),
    "chat": ("我们", "我们厂", "厂里", "咱们公司"),
}
OPENERS = {
    "formal": ("", "尊敬的领导：", "您好！", "关于相关事项的请示：", "管委会各位领导："),
    "plain": ("", "", "您好，", "你好，", "麻烦问一下，", "反映个情况，"),
    "chat": ("", "在吗？", "领导好，", "打扰一下，", "请问一下哈，", "急！"),
}
CLOSERS = {
    "formal": ("", "特此报告。", "盼复。", "望予支持为盼。", "妥否，请批示。", "此致敬礼！"),
    "plain": ("", "", "谢谢！", "麻烦了。", "期待答复。", "辛苦了。"),
    "chat": ("", "", "谢谢谢谢", "急，在线等", "麻烦啦~", "拜托了！"),
}
LINKS = ("，", "，目前", "。现在", "，而且", "。另外", "，导致", "；")
SPECIFICS = (
    "联系人{name}，电话{tel}。", "此事已影响到{n}月份的交货。", "涉及员工{nn}人。", "最晚希望在{d}前解决。",
    "去年{mon}已经反映过一次。", "涉及金额约{m}。", "之前打过{n}次电话。", "{p}的订单都在等这件事。",
)  # fmt: skip
NAMES = ("张经理", "李总", "王主任", "陈工", "刘女士", "赵先生", "周会计", "吴部长")
# Typing noise: homophones and slips that real requests contain.
TYPOS = (
    ("已经", "以经"), ("需要", "须要"), ("麻烦", "麻凡"), ("协调", "协条"), ("的", "得"), ("在", "再"),
    ("申请", "申清"), ("办理", "半理"), ("账", "帐"), ("希望", "希往"), ("现在", "现再"), ("问题", "问提"),
)  # fmt: skip


@dataclass(frozen=True)
class CaseText:
    title: str
    text: str
    answer: str
    category: str  # the category the desk finally set
    department: str  # the lead department the desk finally chose


def _fill(rng: random.Random, template: str, company: str, product: str) -> str:
    if "{" not in template:
        return template
    return template.format(
        c=company,
        p=product,
        n=rng.randint(2, 9),
        nn=rng.randint(10, 99),
        m=f"{rng.randint(1, 99) * 10}万元" if rng.random() < 0.7 else f"{rng.randint(1, 9)}千万",
        d=f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        mon=f"{rng.randint(1, 12)}月",
        name=rng.choice(NAMES),
        tel=f"13{rng.randint(100000000, 999999999)}",
    )


def _noise(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.12:  # typed without punctuation
        text = text.replace("，", " ").replace("。", " ").replace("；", " ").strip()
    elif r < 0.2:  # a run-on sentence
        text = text.replace("。", "，").rstrip("，") + "。"
    if rng.random() < 0.15:
        wrong, slip = rng.choice(TYPOS)
        text = text.replace(wrong, slip, 1)
    return text


def compose(rng: random.Random, category: str, product: str | None = None) -> CaseText:
    """One request of `category` (final category and lead department included)."""
    bank = BANKS.get(category) or BANKS["other"]
    department = DEFAULT_DEPT.get(category, "YSB")
    product = product or rng.choice(PRODUCTS)
    register = rng.choice(("formal", "plain", "plain", "chat"))
    company = rng.choice(COMPANY[register])
    source = bank
    r = rng.random()
    if r < 0.03:  # the text reads like a neighbour's, but the desk filed it here
        source = BANKS[rng.choice(NEIGHBOURS.get(category, ("other",)))]
    elif r < 0.08:  # the desk sent it to another department than usual
        department = rng.choice(REROUTE_DEPT.get(category, (department,)))
    first = rng.choice(source.situations)
    parts = [_fill(rng, first, company, product)]
    length = rng.random()
    if length > 0.55:  # a longer one: a second situation of the same kind
        second = rng.choice(bank.situations)
        if second != first:
            parts.append(rng.choice(LINKS) + _fill(rng, second, company, product))
    if rng.random() < 0.07:  # a second topic in the same request
        other = rng.choice(tuple(BANKS))
        parts.append("。另外，" + _fill(rng, rng.choice(BANKS[other].situations), company, product))
    ask = rng.choice(bank.asks) if rng.random() < 0.8 else ""
    body = "".join(parts) + ("，" + ask + "。" if ask else "。")
    if length > 0.75:
        body += _fill(rng, rng.choice(SPECIFICS), company, product)
    text = rng.choice(OPENERS[register]) + body + rng.choice(CLOSERS[register])
    title = rng.choice(source.titles)
    return CaseText(
        title=title,
        text=_noise(rng, text),
        answer=rng.choice(bank.answers),
        category=category,
        department=department,
    )


def samples(n: int, seed: int = 0) -> Iterator[tuple[str, str, str]]:
    """`n` generated requests as (title + text, final category, final lead department), evenly over
    the categories in a shuffled order: training data for tests without a database."""
    rng = random.Random(f"{seed}:triage-samples")  # noqa: S311 - deterministic on purpose
    codes = list(BANKS)
    for i in range(n):
        c = compose(rng, codes[i % len(codes)] if rng.random() < 0.5 else rng.choice(codes))
        yield f"{c.title} {c.text}", c.category, c.department
