"""The mobilization demo's texts and plans: the teams and who sent them, the units and posts of
the people sent down 下沉, the honours, the funds' receipts and the payments' reasons, and the
states the demo leaves the payments in (mobilization_data.py writes them)."""

from __future__ import annotations

from epigrid.mobilization.models import PaymentKind, TeamKind

# Teams: how many of each kind, how many members each, formed how many days back.
SECTOR_TOWNS = 6  # a sector work group 片区工作组 in each of the first towns
COMMANDO_TOWNS = 3  # a party commando team 党员突击队 in each of the first towns
PIONEER_POSTS = 3  # a party pioneer post 党员先锋岗 at the villages of the first checkpoints
MEMBERS = {TeamKind.SECTOR: 24, TeamKind.COMMANDO: 18, TeamKind.PIONEER: 8,
           TeamKind.MEDICAL: 16}
FORMED_BACK = {TeamKind.SECTOR: 27, TeamKind.COMMANDO: 22, TeamKind.PIONEER: 18}
ON_THEIR_OWN = 30  # cadres sent to a village on their own, each to 包保 a few households
RECALLED = 14  # sent back to their units 返岗 before today (the stood-down team's aside)
PARTY_SHARE = 0.5  # of the sector groups, medical teams and those on their own
TEAM_NAMES = {TeamKind.SECTOR: "{area}片区工作组", TeamKind.COMMANDO: "{area}党员突击队",
              TeamKind.PIONEER: "{area}卡口党员先锋岗", TeamKind.MEDICAL: "第{batch}批下沉医疗队"}
TEAM_SENT_BY = {TeamKind.SECTOR: "区委组织部", TeamKind.COMMANDO: "区直机关工委",
                TeamKind.PIONEER: "区委组织部"}
TEAM_DUTIES = {
    TeamKind.SECTOR: "分片包保各村（社区），协助开展排查、封控和生活保障。",
    TeamKind.COMMANDO: "承担急难险重任务：转运隔离人员、配送生活物资、夜间巡查。",
    TeamKind.PIONEER: "24小时值守卡口，测温、登记、查验通行证明。",
    TeamKind.MEDICAL: "进驻{site}，负责发热病人诊治、隔离人员健康监测和核酸采样。",
}
# The three medical batches 批次: the hospital that sent each, formed and stood down days back
# (None: still there). The first went home when the second took over.
MEDICAL = ((1, "市第一人民医院", 26, 12), (2, "市中心医院", 13, None), (3, "市中医医院", 5, None))
UNITS = ("区住建局", "区教育局", "区税务局", "区财政局", "区人社局", "区民政局", "区市场监管局",
         "区城管局", "区交通运输局", "区农业农村局", "区文旅局", "区司法局", "区统计局",
         "区自然资源和规划局", "区机关事务中心")
POSTS = ("科长", "科长", "副科长", "科员", "科员", "科员", "科员", "副局长", "办公室主任",
         "干部", "干部")
MEDICAL_POSTS = ("主治医师", "住院医师", "副主任医师", "护士", "护士", "护师", "主管护师",
                 "检验师")
DUTIES = ("包保3个网格，每日上门排查。", "负责小区出入口值守和登记。",
          "负责隔离户生活物资代购配送。", "协助网格员开展健康监测。", "负责独居老人走访关爱。",
          "负责卡口夜班值守。", "")
# Commendations 表彰: the honour, whom it honours (a person sent down, a party member among
# them, a team, a team of a kind, or a volunteer named), the citation. Awarded by the district.
HONOURS = (
    ("先进个人", "person", "下沉以来坚守一线，逐户排查，未漏一户一人。"),
    ("先进集体", "team", "闻令而动，连续作战，圆满完成封控和保障任务。"),
    ("优秀共产党员", "party", "冲锋在前，主动承担最危险的转运任务。"),
    ("先进个人", "person", "深夜发现发热居民，第一时间上报并协助转运。"),
    ("抗疫先锋", "person", "带病坚持值守卡口，连续二十天未休息。"),
    ("优秀党员突击队", "commando", "建立“一户一档”，隔离户生活物资配送到户。"),
    ("优秀共产党员", "party", "主动请缨进驻隔离点，做好隔离人员服务。"),
    ("优秀志愿者", "named", "自发组织邻里为隔离户代购蔬菜，每日送菜上门。"),
    ("优秀党员先锋岗", "pioneer", "卡口值守零差错，查验车辆和人员上万次。"),
    ("先进个人", "person", "为独居老人代购药品，每日电话问候。"),
)
AWARDED_BY = ("中共区委、区人民政府", "区疫情防控指挥部", "区委组织部")
COMMENDATIONS = 20
# Funds 慰问金、补助资金: the district's (payments above the limit need two approvals) and the
# first town's (one approval). Receipts: counterpart, amount, days back, voucher prefix.
DISTRICT_FUND = ("一线人员慰问金", "5000")
TOWN_FUND = "下沉干部关爱基金"
DISTRICT_RECEIPTS = (
    ("区财政局", "200000", 25, "拨款"), ("区红十字会", "30000", 20, "捐赠"),
    ("金禾纺织有限公司", "50000", 17, "捐赠"), ("区财政局", "100000", 12, "拨款"),
    ("爱心人士王女士", "2000", 9, "捐赠"), ("区慈善总会", "20000", 6, "捐赠"),
)
TOWN_RECEIPTS = (("镇财政所", "30000", 22, "拨款"), ("鑫达粮油批发市场", "10000", 15, "捐赠"),
                 ("镇商会", "8000", 8, "捐赠"))
# Payments: the kind, the lowest and highest amount in yuan, the reasons.
KINDS = ((PaymentKind.ALLOWANCE, 500, 2000), (PaymentKind.SUBSIDY, 1000, 5000),
         (PaymentKind.CONDOLENCE, 2000, 10000))
REASONS = {
    PaymentKind.ALLOWANCE: ("连续值守卡口二十天，发放临时性工作补助。",
                            "参与隔离人员转运，夜间连续作战。",
                            "下沉一线满两周，按规定发放工作补助。"),
    PaymentKind.SUBSIDY: ("家中老人患病住院，生活困难。", "配偶确诊新冠肺炎，家庭困难。",
                          "下沉期间子女无人照看，家庭困难。"),
    PaymentKind.CONDOLENCE: ("值守期间突发疾病住院治疗。", "在转运隔离人员途中受伤。",
                             "因公感染新冠肺炎，住院治疗。"),
}
PAYMENTS, TOWN_PAYMENTS = 32, 8  # from the district's fund, from the town's
RECENT_DAYS = 3  # applied for in the last three days: still being decided
# A payment's state, in turn: those applied for earlier, then the recent ones. "partial": one of
# the two approvals it needs (the district's fund, above its limit; the town's is submitted).
OLDER = ("paid", "paid", "rejected", "paid", "paid", "approved", "paid", "paid", "paid",
         "rejected", "paid", "paid")
RECENT = ("submitted", "partial", "approved", "submitted", "paid", "partial", "submitted")
REJECTIONS = ("不符合慰问条件，请按规定重新申报。", "申请材料不全，缺少医院诊断证明。",
              "已由派出单位发放，不重复发放。")
APPROVAL_NOTES = ("同意。", "同意，请尽快发放。", "")
