"""Fixtures of the knowledge tests: a handful of entries written through the services, owned by
four departments, in every state and both visibilities (small: no zone seed)."""

from dataclasses import dataclass

import pytest

from qifu.conftest import Cast
from qifu.knowledge import index
from qifu.knowledge.models import EntryState, KnowledgeEntry
from qifu.knowledge.services import EntryData, knowledge_create
from qifu.reference.models import Category, Department


@dataclass
class Kb:
    fin_pub: KnowledgeEntry  # JRB, financing, public, published
    fin_int: KnowledgeEntry  # JRB, financing, internal, published
    jfj_draft: KnowledgeEntry  # JFJ, policy, internal, draft
    jfj_pub: KnowledgeEntry  # JFJ, utilities, public, published
    kjj_pub: KnowledgeEntry  # KJJ, innovation, public, published
    kjj_retired: KnowledgeEntry  # KJJ, innovation, public, retired
    kjj_int: KnowledgeEntry  # KJJ, innovation, internal, published

    def all(self) -> dict[str, KnowledgeEntry]:
        return dict(vars(self))


def make(cast: Cast, who: str, title: str, answer: str, *, category: str, dept: str | None = None,
         public: bool = False, state: str = EntryState.PUBLISHED, keywords: str = "") -> KnowledgeEntry:  # fmt: skip
    data = EntryData(
        title=title, answer=answer, category=Category.objects.get(code=category),
        department=Department.objects.get(code=dept) if dept else None, public=public, keywords=keywords, state=state,
    )  # fmt: skip
    return knowledge_create(actor=cast.actor(getattr(cast, who)), data=data)


@pytest.fixture(autouse=True)
def _fresh_index():
    index.clear()
    yield
    index.clear()


@pytest.fixture
def kb(cast: Cast) -> Kb:
    return Kb(
        fin_pub=make(
            cast,
            "desk",
            "企业如何申请首贷贴息？",
            "园区对首次获得银行贷款的企业给予贷款贴息，按贷款利息的50%补贴，"
            "单户每年不超过50万元。请在贷款发放后三个月内向金融服务办公室提交贷款合同和付息凭证。",
            category="financing",
            dept="JRB",
            public=True,
            keywords="首贷 贴息 银行贷款",
        ),
        fin_int=make(
            cast,
            "desk",
            "科技贷风险补偿资金池的内部审核口径",
            "风险补偿资金池对合作银行发放的科技贷款损失按40%补偿，审核时核对贷款用途和担保方式。",
            category="financing",
            dept="JRB",
            keywords="风险补偿 科技贷",
        ),
        jfj_draft=make(
            cast,
            "jfj_handler",
            "技改补贴申报材料清单（草稿）",
            "技术改造项目补贴需提交设备发票、项目备案证和审计报告。",
            category="policy",
            state=EntryState.DRAFT,
        ),
        jfj_pub=make(
            cast,
            "jfj_head",
            "企业用电增容怎么办理？",
            "用电增容由经济发展局协调供电公司办理：企业向供电公司营业厅提交增容申请，"
            "经发局跟踪办理进度，一般20个工作日内完成方案答复。",
            category="utilities",
            public=True,
            keywords="用电 增容 供电公司",
        ),
        kjj_pub=make(
            cast,
            "kjj_handler",
            "高新技术企业认定什么时候申报？",
            "高新技术企业认定每年分两批申报，一般在5月和8月，企业需在科技部火炬中心系统注册，研发费用占比须符合要求。",
            category="innovation",
            public=True,
            keywords="高企 高新技术企业 认定",
        ),
        kjj_retired=make(
            cast,
            "kjj_head",
            "2023年研发费用补助申报通知",
            "该补助已于2023年底截止。",
            category="innovation",
            public=True,
            state=EntryState.RETIRED,
        ),
        kjj_int=make(
            cast,
            "kjj_handler",
            "研发费用加计扣除核查的内部口径",
            "核查研发费用辅助账，与税务分局共享名单。",
            category="innovation",
            keywords="加计扣除 研发费用",
        ),
    )
