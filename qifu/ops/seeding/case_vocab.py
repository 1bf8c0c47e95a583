"""Words for the demo cases' timelines (reasons, notes, ratings, messages).

What enterprises ask and how the departments answer is composed per case in `case_text`.
"""

PRODUCTS = ("精密零件", "电子元器件", "智能装备", "医疗器械", "模具", "新材料", "软件", "光电器件", "汽车配件")

REJECT_REASONS = (
    "该事项属于企业之间的民事纠纷，不属于受理范围，建议通过司法途径解决。",
    "诉求内容与已办结事项重复，已告知企业查看原答复。",
    "该事项不在本区管辖范围，已告知企业向市级部门反映。",
)
WITHDRAW_REASONS = ("问题已自行解决", "企业内部已协调处理", "重复提交，撤回本条")
PROGRESS_NOTES = (
    "已与企业电话沟通，了解具体情况。",
    "已现场查看，正在会同相关部门研究方案。",
    "已形成初步方案，正在征求企业意见。",
)
RETURN_REASONS = ("该事项不属于本部门职责，建议改派。", "诉求涉及多个部门，建议由牵头部门统筹。")
EXTENSION_REASONS = ("需等待上级部门批复，申请延期。", "涉及多个部门会商，所需时间较长。", "企业补充材料时间较长。")
INFO_QUESTIONS = ("请补充相关证明材料的扫描件。", "请提供项目备案证明和用地红线图。", "请补充近三个月的用工花名册。")
INFO_ANSWERS = ("已上传相关材料。", "材料已补充，请查收。")
SUPERVISE_NOTES = ("请抓紧办理，按期答复企业。", "该诉求企业反映强烈，请加快办理。")
ASSIST_ANSWERS = ("我部门意见：符合相关规定，同意办理。", "我部门已配合完成相关工作。")
RATING_COMMENTS = {
    "satisfied": ("办理及时，非常满意！", "感谢各部门的帮助。", ""),
    "basically_satisfied": ("问题基本解决，希望后续继续跟进。", ""),
    "dissatisfied": ("问题没有实际解决，希望重新办理。", "答复不够具体。"),
}
MESSAGES = ("请问目前办理到哪一步了？", "谢谢，我们等待答复。", "已收到，谢谢！")
