"""The volunteers demo's texts and plans: the projects 志愿服务项目 the towns and the district
organise, who volunteers 志愿者 and for how long, the hours 服务时长 a day of each kind of work
takes (volunteers_data.py writes them)."""

from __future__ import annotations

from epigrid.volunteers.models import ProjectKind

PROJECT_TOWNS = 5  # the first towns organise volunteers; the others' serve the district's projects
VOLUNTEERS = 400
ELSEWHERE_SHARE = 0.15  # volunteers of the other towns' villages: the district's projects only
REGISTERED_BACK = (35, 0)  # registered from five weeks ago, most as the outbreak began
EARLY_SHARE = 0.6  # of them in the first ten days
LEFT = 30  # left 退出 since (back at work, moved away), after serving at least five days
PARTY_SHARE = 0.35
# A project: kind, name ({area}: its town's name), volunteers needed, started how many days
# back (negative: ahead), ends how many days ahead (None: open-ended), closed how many days back
# (None: still open), and what it is.
TOWN_PROJECTS = (
    (ProjectKind.CHECKPOINT, "{area}卡口值守志愿服务", 30, 26, None, None,
     "协助卡口工作人员测温、登记、查验通行证明，分早、中、夜三班。"),
    (ProjectKind.DELIVERY, "{area}隔离户物资代购配送", 20, 24, None, None,
     "为居家隔离户代购蔬菜、药品等生活物资，无接触配送到户。"),
    (ProjectKind.CARE, "{area}独居老人关爱", 12, 21, None, None,
     "每日电话问候或上门探望独居老人，代购药品，协助就医。"),
)
# The first town's door-to-door round, closed when its screening campaign was done.
FIRST_TOWN = ((ProjectKind.SCREENING, "{area}入户排查协助", 25, 27, None, 12,
               "协助网格员逐户登记人员信息、测量体温，排查重点人员。"),)
DISTRICT_PROJECTS = (
    (ProjectKind.COUNSELLING, "心理疏导热线", 10, 24, None, None,
     "心理咨询师志愿者轮流接听热线，为隔离人员和一线人员提供心理疏导。"),
    (ProjectKind.PUBLICITY, "防疫宣传", 40, 27, 14, None,
     "张贴通告、入户发放防疫知识手册，用大喇叭和微信群宣传防疫要求。"),
    (ProjectKind.OTHER, "爱心车队接送医护人员", 15, 22, None, 3,
     "私家车主志愿者接送上下班的医护人员；公交恢复后结束。"),
    (ProjectKind.OTHER, "复工复产志愿服务", 30, -5, 60, None,
     "协助企业登记返岗人员、测温，宣传复工防疫要求。"),
)
# The skills 特长 a project's volunteers tend to have (any other kind: none in particular).
SKILLS = {
    ProjectKind.CHECKPOINT: ("", "", "退伍军人", "保安经验"),
    ProjectKind.DELIVERY: ("驾驶", "驾驶", "电动车", ""),
    ProjectKind.CARE: ("医护", "方言", "", "家政"),
    ProjectKind.COUNSELLING: ("心理咨询师", "心理咨询师", "社工"),
    ProjectKind.PUBLICITY: ("写作", "摄影", "方言", ""),
    ProjectKind.SCREENING: ("电脑操作", "", "方言"),
    ProjectKind.OTHER: ("驾驶",),
}
# The share of their days a volunteer turns out (split between their projects), drawn for each.
TURNOUT = (0.25, 0.35, 0.5, 0.7)
SECOND_PROJECT_SHARE = 0.25  # volunteers who also serve a second project
# The hours of a day's service, by kind (half hours allowed): a checkpoint shift, a round...
HOURS = {
    ProjectKind.CHECKPOINT: ("4", "4", "6", "8", "8"),
    ProjectKind.DELIVERY: ("2", "2.5", "3", "4"),
    ProjectKind.CARE: ("1", "1.5", "2"),
    ProjectKind.COUNSELLING: ("2", "3", "4"),
    ProjectKind.PUBLICITY: ("1.5", "2", "3"),
    ProjectKind.SCREENING: ("3", "4", "5", "6"),
    ProjectKind.OTHER: ("1.5", "2", "2.5"),
}
NOTES = {
    ProjectKind.CHECKPOINT: ("夜班", "早班", "中班", "登记车辆四十余台"),
    ProjectKind.DELIVERY: ("配送蔬菜包二十份", "代购药品八户", "配送米面油十二户"),
    ProjectKind.CARE: ("电话问候五户", "上门探望三户，代购降压药", "陪同就医一人"),
    ProjectKind.COUNSELLING: ("接听来电九个", "回访隔离人员四人"),
    ProjectKind.PUBLICITY: ("张贴通告三十份", "发放防疫手册一百余份", "流动喇叭宣传"),
    ProjectKind.SCREENING: ("入户登记六十户", "复核返乡人员信息"),
    ProjectKind.OTHER: ("接送医护人员四人", "往返区人民医院两趟"),
}
NOTE_SHARE = 0.3  # records with a note; the rest say nothing

# Self-service 我的志愿服务 (volunteers_self_data.py).
LOGIN = "volunteer"  # the demo login of a volunteer (demo.personas): the first town's first village
SIGNUPS = 150  # sign-ups 报名 standing today across the district, the login's two among them
SIGNUPS_AHEAD = 20  # of them to the district's project starting next week, since it was announced
CLAIMANTS = 20  # volunteers with an account of their own, each with a claim 时长申报 waiting
CLAIMANTS_ANSWERED = 6  # of them with an earlier claim answered: confirmed, every third declined
CLAIMANT_USERNAME = "volunteer-{number:03d}"  # no password, as demo.officer_data's officers
# Why a keeper declined a claim: the sign-in sheet 签到表 disagrees.
DECLINE_REASONS = (
    "签到表上当天没有您的签到记录，请与带班干部核实后重新申报。",
    "当天该项目暂停一天，未安排志愿者上岗。",
    "申报时长与排班不符：当天为四小时班次，请按实际时长重新申报。",
)
