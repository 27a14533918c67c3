"""The supervision demo's texts and plans: the issuers, documents, tasks, reports, findings and
the states the demo leaves them in (supervision_data.py writes them)."""

from __future__ import annotations

from epigrid.areas.models import Facility
from epigrid.supervision.models import DocumentKind as Kind
from epigrid.supervision.models import Urgency

FacilityKind = Facility.Kind
NORMAL, URGENT, VERY_URGENT = Urgency.NORMAL, Urgency.URGENT, Urgency.VERY_URGENT
ISSUERS = (("市新冠肺炎疫情防控指挥部", "市防指发"), ("省卫生健康委员会", "省卫健函"),
           ("区疫情防控工作领导小组", "区防控组发"), ("市市场监督管理局", "市监发"),
           ("区疫情防控指挥部隔离管控组", "区隔离组"))
# Oldest first: issuer, kind, urgency, towns it is routed to (0: to read only), title, summary.
DOCUMENTS = (
    (0, Kind.NOTICE, URGENT, 3, "关于暂时关闭农贸市场的通知",
     "除保障居民基本生活的农贸市场外一律暂停营业，活禽交易区全部关闭。"),
    (1, Kind.NOTICE, URGENT, 4, "关于加强养老机构疫情防控的通知",
     "养老机构实行封闭管理，暂停家属探视，工作人员和老人每日两次测温。"),
    (2, Kind.NOTICE, NORMAL, 5, "关于开展第二轮全员排查的通知",
     "以网格为单位逐户逐人排查，不漏一户、不漏一人，排查结果每日报送。"),
    (4, Kind.REQUEST, URGENT, 0, "关于增加集中隔离酒店房间的请示",
     "现有集中隔离酒店房间使用率已达九成，拟再征用一处酒店，请予批示。"),
    (0, Kind.DIRECTIVE, VERY_URGENT, 2, "关于进一步加强小区封闭管理的指示",
     "小区只留一个出入口，24小时值守，出入人员测温、登记、扫码。"),
    (3, Kind.NOTICE, NORMAL, 2, "关于加强冷链食品疫情防控的通知",
     "冷链食品经营者建立进货查验台账，从业人员每周核酸检测一次。"),
    (1, Kind.NOTICE, NORMAL, 3, "关于做好发热门诊预检分诊工作的通知",
     "发热门诊设置独立预检分诊区，如实询问流行病学史，发热患者闭环转运。"),
    (2, Kind.NOTICE, NORMAL, 2, "关于做好居家隔离人员生活保障的通知",
     "为居家隔离人员代购生活物资和药品，网格员每日上门了解需求。"),
    (0, Kind.LETTER, NORMAL, 0, "关于报送每日疫情防控信息的函",
     "请于每日16时前报送当日新增病例、隔离人员和排查进度。"),
    (1, Kind.NOTICE, URGENT, 3, "关于规范集中隔离点管理的通知",
     "隔离点严格区分清洁区、缓冲区和污染区，医疗废物日产日清。"),
    (2, Kind.NOTICE, NORMAL, 2, "关于加强出租屋和流动人口管理的通知",
     "出租屋逐户登记租户信息，新入住人员48小时内完成健康排查。"),
    (0, Kind.NOTICE, URGENT, 4, "关于暂停公共场所聚集性活动的通知",
     "暂停广场舞、棋牌室、庙会等聚集性活动，婚事新办、丧事简办。"),
    (4, Kind.REPORT, NORMAL, 0, "关于集中隔离点运行情况的报告",
     "报告全区集中隔离点收治、解除隔离和医疗废物处置情况。"),
    (1, Kind.NOTICE, NORMAL, 2, "关于加强医疗废物处置管理的通知",
     "发热门诊和隔离点医疗废物双层包装，专人专车转运，台账可查。"),
    (0, Kind.NOTICE, URGENT, 3, "关于落实“四早”要求的通知",
     "早发现、早报告、早隔离、早治疗，发现发热病人2小时内报告。"),
    (2, Kind.NOTICE, NORMAL, 2, "关于做好独居老人关爱帮扶的通知",
     "为辖区独居老人建立一人一档，每日电话或上门问候一次。"),
    (4, Kind.REQUEST, NORMAL, 0, "关于请求增派流调人员的请示",
     "近期密切接触者增多，请求从区直单位抽调十名流调人员支援。"),
    (3, Kind.NOTICE, NORMAL, 3, "关于加强农贸市场防控检查的通知",
     "市场入口设置测温点，摊主和顾客全程佩戴口罩，公共区域每日消毒两次。"),
    (0, Kind.NOTICE, NORMAL, 2, "关于加强防疫物资调配管理的通知",
     "防疫物资统一调配，建立出入库台账，优先保障一线人员。"),
    (1, Kind.DIRECTIVE, URGENT, 2, "关于做好重点人群核酸检测工作的指示",
     "对隔离人员、医务人员、养老机构人员等重点人群应检尽检。"),
    (2, Kind.NOTICE, NORMAL, 3, "关于开展环境卫生整治的通知",
     "清理背街小巷、城中村卫生死角，垃圾日产日清。"),
    (0, Kind.OTHER, NORMAL, 0, "市领导在全市疫情防控调度会上的讲话",
     "传达市领导在调度会上的讲话精神，请各级领导干部认真学习。"),
    (2, Kind.NOTICE, URGENT, 2, "关于加强卡口值守人员防护的通知",
     "卡口值守人员配齐口罩、手套和防护服，每班不超过八小时。"),
    (1, Kind.NOTICE, NORMAL, 0, "关于做好疫苗接种准备工作的通知",
     "摸清辖区重点人群底数，做好接种点设置准备。"),
    (0, Kind.NOTICE, VERY_URGENT, 0, "关于做好返乡人员排查管控的通知",
     "对近14天从中高风险地区返乡人员逐一排查，落实居家隔离。"),
)
ARCHIVED = 5  # the oldest routed documents, every task of them done
# Set by the desk itself: what is to be done, how. The first eight are overdue by these days.
DIRECT = (
    ("排查辖区养老机构封闭管理落实情况", "逐家核查，发现问题立即整改。"),
    ("补报居家隔离人员健康监测台账", "按日补齐体温和症状记录。"),
    ("整改卡口夜间值守缺岗问题", "排班到人，夜间不少于两人值守。"),
    ("核查返乡人员排查遗漏名单", "对名单逐一电话核实并上门排查。"),
    ("落实集中隔离点医疗废物日产日清", "与医废处置单位对接，每日清运。"),
    ("报送发热门诊预检分诊情况", "报送近三日就诊和转运人数。"),
    ("完成独居老人生活物资配送", "本周内送达米面油和常用药品。"),
    ("组织出租屋流动人口再排查", "对未联系上的租户逐户上门。"),
    ("报送冷链食品从业人员核酸检测情况", "附检测名单和结果。"),
    ("落实小区出入口24小时值守", "出入人员测温、登记、扫码。"),
    ("清理辖区背街小巷卫生死角", "组织志愿者集中清理一次。"),
    ("报送本周防疫物资使用情况", "按品种报送领用和库存。"),
    ("开展农贸市场公共区域消毒消杀", "每日两次，记录备查。"),
)
OVERDUE_BY = (1, 2, 3, 4, 1, 2, 3, 2)
LATER = ("done", "reported", "withdrawn", "open", "returned")
# The states of a routed document's tasks, in turn: older documents, then the last two days'.
OLDER = ("done", "reported", "open", "returned", "done", "returned_reported", "open", "done",
         "withdrawn", "reported")
RECENT = ("open", "open", "reported")
REPORTS = ("已按要求落实，相关台账已整理备查。", "已组织网格员逐户落实，完成率100%。",
           "已召开专题会议部署，责任落实到人。", "已完成整改，附现场照片。")
SEND_BACK = ("报结材料缺少台账，请补充后重新报送。", "未附现场照片，请补充。",
             "数据与网格上报不一致，请核实后重报。")
REMARKS = ("已阅。", "已阅，请督查组跟踪落实。", "")
FINDINGS = {
    FacilityKind.NURSING_HOME: ("出入登记不全，部分访客未测温", "老人每日体温记录缺两天",
                                 "未设置单独的隔离观察室", "封闭管理期间仍有家属探视"),
    FacilityKind.QUARANTINE_SITE: ("清洁区与污染区标识不清", "医疗废物未按规定分类收集",
                                    "隔离人员体温记录不全", "防护服穿脱区域未分开"),
    FacilityKind.MARKET: ("入口未设置测温点", "部分摊主未佩戴口罩", "冷链食品进货台账不全",
                           "活禽交易区未按通知关闭"),
    FacilityKind.FEVER_CLINIC: ("预检分诊台未设在独立区域", "流行病学史询问记录不全",
                                 "候诊区座位间距不足一米", "转运交接记录缺失"),
}
RECTIFICATIONS = ("已补齐登记台账，专人负责。", "已重新划分区域并张贴标识。",
                  "已对相关人员培训并通报批评。", "已落实专人每日消毒并记录。")
INSPECTORS = ("区督查组 郭伟、田静", "区督查组 王磊、陈芳", "区卫健局 刘洋，区督查组 赵敏")
INSPECTIONS = 20
# A finding's state, in turn: those whose day has passed, those whose day is still to come.
PAST = ("verified", "rectified", "verified", "open", "verified", "reopened", "verified")
COMING = ("open", "rectified", "open", "verified")
