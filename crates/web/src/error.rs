//! The one error table: every error the API returns has a stable `snake_case` code, an HTTP
//! status and a Chinese message that says what to fix. Error codes are API contract.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ggzy_app::{AppError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

/// Every top-level error code with its status and meaning (served at `/api/v1/errors`).
pub const ERROR_TABLE: &[(&str, u16, &str)] = &[
    ("invalid_json", 400, "请求体不是合法的JSON"),
    ("invalid_body", 422, "请求体字段缺失或类型错误"),
    ("unsupported_media_type", 415, "请求体须为 application/json"),
    ("invalid_query", 400, "查询参数格式错误"),
    ("invalid_idempotency_key", 400, "Idempotency-Key 须为1至255个可见ASCII字符"),
    ("invalid_input", 422, "多个字段有误，见 details"),
    ("invalid_credit_code", 422, "统一社会信用代码有误"),
    ("invalid_resident_id", 422, "身份证号码有误"),
    ("invalid_region_code", 422, "行政区划代码有误或不存在"),
    ("unknown_region", 422, "行政区划代码不在行政区划代码表中"),
    ("invalid_username", 422, "用户名格式有误"),
    ("invalid_display_name", 422, "姓名有误"),
    ("weak_password", 422, "密码太短"),
    ("invalid_role", 422, "角色有误"),
    ("invalid_text", 422, "文本字段为空或过长"),
    ("invalid_phone", 422, "联系电话有误"),
    ("invalid_share_percent", 422, "持股比例有误或合计超过100%"),
    ("relation_holder_ambiguous", 422, "股东须填写统一社会信用代码，或姓名和身份证号码，二者选一"),
    ("relation_duplicate", 422, "同一股东或人员重复申报"),
    ("relation_to_self", 422, "市场主体不能持有或控制自身"),
    ("relations_too_many", 422, "申报的股东或人员超过上限"),
    ("invalid_token_name", 422, "令牌名称有误"),
    ("invalid_token_days", 422, "令牌有效天数有误"),
    ("invalid_time", 422, "时间格式有误"),
    ("invalid_date", 422, "日期有误"),
    ("invalid_choice", 422, "取值不在可选范围内"),
    ("invalid_year_range", 422, "年份范围有误"),
    ("threshold_out_of_range", 422, "筛查阈值超出允许范围"),
    ("invalid_digest", 422, "SM3摘要格式有误"),
    ("invalid_opening_key", 422, "开标公钥无效"),
    ("invalid_escrow_threshold", 422, "开标密钥分片数或门限有误"),
    ("invalid_escrow_share", 422, "开标密钥分片有误"),
    ("invalid_certificate", 422, "证书格式有误"),
    ("deadline_below_statutory_minimum", 422, "期限短于法定最短期限"),
    ("calendar_not_covered", 422, "期限涉及的年份尚无官方节假日安排"),
    ("bidder_not_registered", 422, "投标人未报名"),
    ("bid_envelope_mismatch", 422, "投标文件封装的项目、标段或投标人与提交目标不一致"),
    ("bid_signature_invalid", 422, "投标文件签名无效"),
    ("bid_digest_mismatch", 422, "上传内容与声明的摘要不一致"),
    ("certificate_untrusted", 422, "证书不受信任"),
    ("certificate_expired", 422, "证书已过期或尚未生效"),
    ("certificate_revoked", 422, "证书已被吊销"),
    ("envelope_invalid", 400, "不是有效的加密投标文件"),
    ("upload_incomplete", 409, "上传尚未完成"),
    ("upload_offset_mismatch", 409, "续传位置与已接收字节数不符"),
    ("invalid_amount", 422, "金额有误"),
    ("evaluation_method_invalid", 422, "评标方法无效"),
    ("committee_member_invalid", 422, "评标委员会成员信息有误"),
    ("committee_member_duplicate", 422, "评标委员会成员重复"),
    ("committee_too_small", 422, "评标委员会人数不足"),
    ("committee_size_even", 422, "评标委员会人数须为单数"),
    ("committee_experts_too_few", 422, "专家人数少于成员总数的三分之二"),
    ("committee_rule_invalid", 500, "规则集中评标委员会规则有误"),
    ("scoring_table_invalid", 422, "评分表有误"),
    ("evaluation_rule_invalid", 500, "规则集中评标规则有误"),
    ("bid_bidder_duplicate", 422, "同一投标人有两份投标"),
    ("evaluated_price_not_positive", 422, "评标价须大于0"),
    ("evaluation_overflow", 422, "金额或分值超出范围"),
    ("score_members_missing", 422, "缺少评标委员会成员"),
    ("score_member_duplicate", 422, "评标委员会成员重复"),
    ("score_member_unknown", 422, "打分人不是评标委员会成员"),
    ("score_bidder_unknown", 422, "打分对象不是本标段的投标人"),
    ("score_criterion_unknown", 422, "评分项不在评分表中"),
    ("score_on_price_criterion", 422, "价格分由系统计算，不能人工打分"),
    ("score_out_of_range", 422, "分值超出评分项范围"),
    ("score_duplicate", 422, "同一评分重复提交"),
    ("score_missing", 422, "缺少评分"),
    ("rejection_ground_invalid", 422, "否决投标的情形无效"),
    ("bidder_not_in_lot", 422, "该投标人没有在本标段开标的投标文件"),
    ("bid_price_missing", 422, "开标记录缺少报价"),
    ("objection_out_of_time", 409, "不在可以提出异议的期间"),
    ("objection_not_a_bidder", 422, "异议人不是本标段的投标人"),
    ("objection_already_answered", 409, "该异议已经答复"),
    ("objection_pending", 409, "有异议尚未答复"),
    ("publicity_not_over", 409, "中标候选人公示期未满"),
    ("award_not_first_candidate", 422, "国有资金控股或主导的项目应当确定排名第一的中标候选人"),
    ("award_not_a_candidate", 422, "不是中标候选人"),
    ("award_candidate_dropped", 422, "该候选人已放弃或被取消"),
    ("award_retender_not_allowed", 422, "当前不属于可以重新招标的情形"),
    ("dropout_ground_invalid", 422, "放弃中标的情形无效"),
    ("deposit_above_cap", 422, "投标保证金超过上限"),
    ("performance_bond_above_cap", 422, "履约保证金超过上限"),
    ("security_amount_negative", 422, "保证金金额不能为负"),
    ("security_rule_invalid", 500, "规则集中保证金规则有误"),
    ("complaint_out_of_time", 422, "已超过投诉期限"),
    ("invitation_ground_invalid", 422, "邀请招标的理由无效"),
    ("invited_bidders_too_few", 422, "被邀请人少于法定人数"),
    ("bidder_not_invited", 422, "不在被邀请人之列"),
    ("invalid_investment_code", 422, "投资项目代码格式错误"),
    ("open_tendering_required", 422, "国有资金控股或主导的依法必须招标项目应当公开招标"),
    ("project_not_approved", 409, "项目招标事项尚未核准"),
    ("self_tendering_not_filed", 409, "自行招标尚未备案"),
    ("method_not_approved", 409, "招标方式与项目确定的不一致"),
    ("approval_not_required", 409, "该项目招标事项无需核准"),
    ("self_tendering_not_chosen", 409, "该项目不是自行招标"),
    ("self_tendering_staff_missing", 422, "自行招标须有技术、经济专业人员"),
    ("project_principal_mismatch", 422, "项目的招标人不一致"),
    ("agency_required", 422, "委托招标须填写招标代理机构"),
    ("agency_not_allowed", 422, "自行招标不能指定招标代理机构"),
    ("pq_deadline_passed", 409, "已过资格预审申请截止时间"),
    ("pq_deadline_not_passed", 409, "资格预审申请截止时间未到"),
    ("pq_applicant_unknown", 422, "不是资格预审申请人"),
    ("pq_result_incomplete", 422, "资格审查结果不完整"),
    ("bidder_not_prequalified", 422, "未通过资格预审"),
    ("bid_security_in_first_stage", 422, "两阶段招标的投标保证金应当在第二阶段提出"),
    ("proposal_deadline_passed", 409, "已过技术建议提交截止时间"),
    ("proposal_deadline_not_passed", 409, "技术建议提交截止时间未到"),
    ("proposals_sealed", 409, "技术建议提交截止前不公开"),
    ("bidder_not_proposer", 422, "未在第一阶段提交技术建议"),
    ("invalid_file", 422, "上传的文件为空或有误"),
    ("invalid_security", 422, "投标保证金信息有误"),
    ("security_not_required", 409, "招标公告未要求投标保证金"),
    ("security_insufficient", 422, "投标保证金不足"),
    ("guarantee_validity_too_short", 422, "电子保函有效期短于投标有效期"),
    ("nothing_to_refund", 409, "没有尚未退还的投标保证金"),
    ("already_reported", 409, "书面报告已经提交"),
    ("archive_incomplete", 409, "尚有未完成的事项，不能归档"),
    ("invalid_id_number", 422, "身份证号码有误"),
    ("invalid_region_scope", 422, "抽取地域有误"),
    ("specialty_code_malformed", 422, "专业代码格式不正确"),
    ("expert_id_invalid", 422, "专家编号不合法"),
    ("expert_name_invalid", 422, "专家姓名有误"),
    ("expert_birth_date_in_future", 422, "身份证号码中的出生日期晚于今天"),
    ("expert_too_old", 422, "专家年龄超过上限"),
    ("expert_employment_dates_invalid", 422, "任职经历日期有误"),
    ("expert_specialties_missing", 422, "至少选择一个评标专业"),
    ("expert_specialty_unknown", 422, "评标专业不在专业分类表中"),
    ("expert_specialty_duplicate", 422, "评标专业重复"),
    ("expert_experience_too_short", 422, "从事相关领域工作年限不足"),
    ("expert_qualification_missing", 422, "缺少有效的高级职称或同等专业水平的资格"),
    ("time_window_empty", 422, "时间段无效"),
    ("expert_windows_too_many", 422, "时间段过多"),
    ("expert_transition_invalid", 409, "专家当前状态不允许此操作"),
    ("venue_kind_invalid", 422, "场地类型须为开标室或评标室"),
    ("venue_capacity_invalid", 422, "座位数须为 1 至 1000"),
    ("venue_booking_time_invalid", 422, "预约时间无效"),
    ("venue_purpose_mismatch", 422, "场地类型与预约用途不符"),
    ("venue_booking_misses_deadline", 422, "开标室预约须覆盖投标截止时间"),
    ("venue_booking_overlap", 409, "场地该时段已被预约"),
    ("venue_booking_cancelled", 409, "预约已取消"),
    ("expert_pool_insufficient", 422, "符合条件的专家不足，错误信息列明专业和人数"),
    ("draw_request_empty", 422, "抽取申请中没有专业"),
    ("draw_slot_count_zero", 422, "抽取人数为0"),
    ("draw_request_too_large", 422, "抽取申请过大"),
    ("draw_after_evaluation", 409, "评标委员会已组建或评标已开始，不能抽取"),
    ("draw_tender_state", 409, "招标项目当前状态不能抽取专家"),
    ("draw_before_opening", 409, "开标完成后方可进行专家抽取"),
    ("draw_minute_not_reached", 409, "抽取时间未到"),
    ("draw_already_performed", 409, "专家抽取已经完成"),
    ("draw_not_performed", 409, "专家抽取尚未进行"),
    ("committee_experts_not_drawn", 422, "评标专家须随机抽取，不得指定"),
    ("reference_price_too_late", 409, "投标截止后不能设定标底"),
    ("reference_price_exists", 409, "本标段已设定标底"),
    ("reference_price_before_opening", 409, "开标前不能公布标底"),
    ("reference_price_mismatch", 422, "标底与承诺值不符"),
    ("reference_price_not_revealed", 409, "标底尚未公布"),
    ("opening_objection_pending", 409, "开标现场异议尚未答复"),
    ("not_a_bidder", 422, "不是本项目的投标人"),
    ("draw_not_replaceable", 409, "该专家不能替换"),
    ("draw_already_answered", 409, "该专家已经答复"),
    ("invalid_transition", 409, "当前状态不允许此操作"),
    ("opening_key_missing", 409, "尚未完成开标密钥仪式"),
    ("tender_not_accepting_bids", 409, "招标项目当前不接受投标"),
    ("bid_deadline_passed", 409, "已过投标截止时间"),
    ("state_changed", 409, "办理期间状态已变化"),
    ("invalid_kind", 422, "交易方式有误"),
    ("invalid_mining_right", 422, "矿业权出让须注明探矿权或采矿权"),
    ("invalid_restriction_period", 422, "禁止参加交易活动的期间有误"),
    ("invalid_legal_basis", 422, "处理依据须写明法律名称和条款"),
    ("bidder_restricted", 403, "该主体正被禁止参加交易活动"),
    ("already_revoked", 409, "该信用记录已撤销"),
    ("deposit_below_minimum", 422, "竞买保证金低于规定的最低比例"),
    ("panel_size", 422, "评标小组须为五人以上单数"),
    ("panel_members", 422, "评标小组成员姓名为空或重复"),
    ("invalid_method", 422, "评标方法有误"),
    ("invalid_scores", 422, "评分有误"),
    ("appraisal_required", 422, "产权转让须填写评估值，土地和矿业权出让不填写"),
    ("price_below_appraisal", 422, "首次披露的转让底价低于评估结果"),
    ("invalid_commitment", 422, "底价承诺值或盐值格式有误"),
    ("commitment_mismatch", 409, "揭示的底价与承诺值不符"),
    ("applications_closed", 409, "竞买申请已截止"),
    ("not_applied", 409, "未提交竞买申请"),
    ("deposit_short", 409, "到账的竞买保证金不足"),
    ("deposit_not_paid", 403, "未交纳竞买保证金或未取得竞买资格"),
    ("not_in_live_bidding", 403, "未进入现场竞价"),
    ("auction_not_started", 409, "竞价尚未开始"),
    ("auction_ended", 409, "竞价已结束"),
    ("auction_paused", 409, "竞价暂停中"),
    ("bid_below_increment", 422, "出价低于当前价加最小加价幅度"),
    ("already_leading", 409, "已是当前最高价"),
    ("too_few_bidders", 409, "竞买人不足法定人数"),
    ("unknown_paddle", 409, "竞买号牌不存在"),
    ("winner_deposit", 409, "竞得人的保证金抵作价款，不予退还"),
    ("not_sold", 409, "未成交"),
    ("no_contract", 409, "尚未签订合同"),
    ("no_reserve", 409, "没有密封底价"),
    ("price_cut_needs_approval", 409, "降价低于评估结果90%须经批准"),
    ("disclosure_expired", 409, "首次披露已超过12个月，须重新审计评估"),
    ("opening_before_deadline", 409, "投标截止时间未到，不能开标"),
    ("opening_not_started", 409, "开标尚未开始"),
    ("bid_decryption_failed", 422, "数据密钥不能解密投标文件"),
    ("bid_too_large", 413, "投标文件超过大小上限"),
    ("idempotency_key_reused", 422, "该 Idempotency-Key 已用于另一个请求"),
    ("unauthenticated", 401, "未登录或登录已过期"),
    ("login_failed", 401, "用户名或密码错误"),
    ("forbidden", 403, "无权执行此操作"),
    ("not_entity_member", 403, "不是该市场主体的成员"),
    ("csrf_mismatch", 403, "缺少或错误的 X-CSRF-Token"),
    ("not_found", 404, "资源不存在"),
    ("route_not_found", 404, "接口不存在"),
    ("method_not_allowed", 405, "请求方法不被允许"),
    ("already_exists", 409, "资源已存在"),
    ("version_conflict", 409, "数据已被他人修改"),
    ("idempotency_key_in_progress", 409, "同一 Idempotency-Key 的请求仍在处理中"),
    ("payload_too_large", 413, "请求体过大"),
    ("login_throttled", 429, "登录失败次数过多"),
    ("rate_limited", 429, "请求过于频繁"),
    ("internal_error", 500, "服务器内部错误"),
    ("unavailable", 503, "服务暂不可用"),
    ("document_fee_above_cost", 422, "文件售价超过印刷、邮寄成本"),
    ("subcontract_main_work", 422, "主体、关键性工作不得分包"),
    ("subcontract_resubcontracting", 422, "接受分包的人不得再次分包"),
    ("subcontract_invalid", 422, "分包登记有误"),
    ("security_refund_not_due", 409, "该投标人的投标保证金尚不到退还的时候"),
    ("assessment_before_report", 409, "评标报告签署完成前不能评价专家"),
    ("expert_not_on_committee", 422, "该专家不是本标段评标委员会中抽取的专家"),
    ("assessment_rating_invalid", 422, "评价等级无效"),
    ("assessment_remarks_invalid", 422, "评价说明有误"),
    ("expert_already_assessed", 409, "已对该专家作出评价"),
    ("evaluation_method_not_in_documents", 422, "评标方法或评分表不是招标文件载明的"),
    ("evaluation_not_signed_in", 409, "评标委员会成员尚未签到并作出回避承诺"),
    ("evaluation_chair_missing", 409, "评标委员会尚未推举负责人"),
    ("evaluation_not_chair", 403, "只有评标委员会负责人可以进行此操作"),
    ("evaluation_time_extension_required", 409, "超过三分之一的成员认为评标时间不够，须先延长"),
    ("evaluation_scores_missing", 409, "有成员尚未提交签名的评分表"),
    ("clarification_open", 409, "投标人尚未答复澄清要求"),
    ("clarification_answered", 409, "澄清要求已答复"),
    ("dissent_reason_missing", 422, "不同意见须书面说明理由"),
    ("evaluation_text_invalid", 422, "文本为空或过长"),
    ("evaluation_signature_invalid", 422, "评标签名无法验证"),
    ("evaluation_member_missing", 422, "未写明代为操作的评标委员会成员"),
    ("evaluation_member_unknown", 422, "不是本标段评标委员会的成员"),
    ("evaluation_extension_invalid", 422, "延长后的评标结束时间有误"),
    ("avoidance_declared", 409, "成员声明存在应当回避的情形"),
    ("member_certificate_mismatch", 422, "证书不是该评标委员会成员本人的证书"),
    ("member_must_act_in_person", 403, "评标专家须本人操作"),
    ("scores_not_needed", 409, "本评标方法不逐项评分"),
    ("report_already_drafted", 409, "评标报告已汇总"),
    ("report_not_drafted", 409, "评标报告尚未汇总"),
    ("report_draft_changed", 409, "签字的不是当前的评标报告"),
    // Government procurement (政府采购).
    ("invalid_category", 422, "采购品目有误"),
    ("method_not_for_category", 422, "该采购方式不适用于该品目"),
    ("method_not_allowed_for_amount", 422, "采购金额达到公开招标数额标准，不能采用该方式"),
    ("method_ground_missing", 422, "未说明采用该采购方式的情形"),
    ("method_ground_mismatch", 422, "所述情形不适用于该采购方式"),
    ("add_on_amounts_missing", 422, "添购须填写原合同金额和添购总额"),
    ("add_on_above_cap", 422, "添购总额超过原合同金额的法定比例"),
    ("procurement_budget_invalid", 422, "采购预算须大于零"),
    ("price_weight_invalid", 422, "价格分值比重有误"),
    ("price_weight_below_floor", 422, "价格分值比重低于法定下限"),
    ("price_weight_above_cap", 422, "价格分值比重高于法定上限"),
    ("price_weight_fixed_price", 422, "执行统一价格标准的项目价格不列为评分因素"),
    ("price_weight_not_applicable", 422, "该采购方式不采用综合评分法"),
    ("sme_deduction_out_of_range", 422, "价格扣除比例超出法定范围"),
    ("invalid_suppliers", 422, "供应商名单有误"),
    ("lowest_price_required", 422, "标准统一的项目应当采用最低评标价法"),
    ("previous_not_failed", 422, "原采购项目未废标，不能重新组织采购"),
    ("procurement_invalid_transition", 409, "采购项目当前状态不允许该操作"),
    ("method_approval_required", 409, "须先公示或报财政部门批准采购方式"),
    ("offers_not_due", 409, "递交截止时间未到"),
    ("suppliers_too_few", 409, "供应商数量不足法定最低数量"),
    ("supplier_not_invited", 403, "供应商不在邀请名单之列"),
    ("not_accepting_offers", 409, "当前不接收报价"),
    ("offer_final", 409, "询价报价一次报出不得更改"),
    ("supplier_not_responded", 409, "未递交响应文件的供应商不能提交最后报价"),
    ("opening_too_early", 409, "递交截止时间未到，报价不能解密"),
    ("offer_not_found", 409, "该供应商本轮没有递交报价"),
    ("offer_already_opened", 409, "报价已经解密"),
    ("not_evaluating", 409, "当前不在评审阶段"),
    ("nothing_to_rank", 409, "没有可评审的有效报价"),
    ("re_evaluation_forbidden", 409, "不得组织重新评审"),
    ("invalid_points", 422, "评审得分有误"),
    ("committee_size_invalid", 422, "评审委员会（小组）人数不符合规定"),
    ("committee_purchaser_staff_as_expert", 422, "采购人工作人员不得以评审专家身份参加本单位项目评审"),
    ("committee_agency_staff", 422, "采购代理机构工作人员不得参加本机构代理项目的评审"),
    ("ranking_duplicate_bidder", 422, "同一供应商重复参与排序"),
    ("abnormally_low_pending", 409, "异常低价尚待供应商说明"),
    ("abnormally_low_invalid_transition", 409, "报价审查当前状态不允许该操作"),
    ("ranking_price_invalid", 422, "报价须大于零"),
    ("tie_break_missing", 422, "得分（报价）相同，须提供采购文件规定的排序"),
    ("tie_break_tied", 422, "并列排序无法区分"),
    ("not_evaluated", 409, "评审结果尚未登记"),
    ("no_candidate_left", 409, "没有排名在后的候选人"),
    ("price_missing", 422, "须填写成交价格"),
    ("publicity_objection_open", 409, "公示异议尚未处理或异议成立"),
    ("publicity_objection_unknown", 409, "公示异议不存在或已处理"),
    ("publicity_over", 409, "公示期已结束"),
    ("supplier_not_in_agreement", 409, "供应商不是框架协议入围供应商"),
    ("invalid_command", 422, "采购步骤不存在"),
    ("invalid_selection", 422, "供应商产生方式有误"),
    ("invalid_sme_claim", 422, "中小企业声明有误"),
    ("challenge_out_of_time", 422, "已超过质疑期限"),
    ("objection_subject_invalid", 422, "质疑事项有误"),
    ("objection_answered", 409, "质疑已经答复"),
    ("question_answered", 409, "询问已经答复"),
    ("complaint_without_objection", 422, "投诉事项须先经质疑"),
    ("complaint_exists", 409, "已就该质疑事项提出投诉"),
    ("complaint_too_early", 409, "质疑答复期限未满"),
    ("complaint_decided", 409, "投诉已经作出处理决定"),
    ("complaint_clock_invalid", 409, "投诉处理期限不能按此暂停或恢复"),
];

/// One field problem in an error body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field as named in the request.
    pub field: String,
    /// Stable code of this problem.
    pub code: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable error code (see `/api/v1/errors`).
    pub code: String,
    /// Chinese message saying what to fix.
    pub message: String,
    /// Every field problem, when the input was invalid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldErrorBody>,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    retry_after_s: Option<i64>,
}

impl ApiError {
    /// An error with a code from [`ERROR_TABLE`] and a specific message.
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        let status = ERROR_TABLE
            .iter()
            .find(|(table_code, _, _)| *table_code == code)
            .and_then(|(_, status, _)| StatusCode::from_u16(*status).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        debug_assert!(ERROR_TABLE.iter().any(|(c, _, _)| *c == code), "error code {code} missing from ERROR_TABLE");
        ApiError {
            status,
            body: ErrorBody { code: code.to_owned(), message: message.into(), details: Vec::new() },
            retry_after_s: None,
        }
    }

    /// Invalid fields: the code is the field's own code when there is one problem.
    pub fn invalid(errors: Vec<FieldError>) -> ApiError {
        let (code, message) = match errors.as_slice() {
            [single] => (single.code, single.message.clone()),
            _ => ("invalid_input", errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；")),
        };
        let mut error = ApiError::new(code, message);
        error.body.details = errors
            .into_iter()
            .map(|e| FieldErrorBody { field: e.field, code: e.code.to_owned(), message: e.message })
            .collect();
        error
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &ErrorBody {
        &self.body
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        match error {
            AppError::Invalid(errors) => ApiError::invalid(errors),
            AppError::NotFound { what } => ApiError::new("not_found", format!("{what}不存在，请核对后重试")),
            AppError::AlreadyExists { what } => ApiError::new("already_exists", format!("{what}已存在，不能重复创建")),
            AppError::Unauthenticated => {
                ApiError::new("unauthenticated", "请先登录，或在 Authorization 请求头中提供有效的 API 令牌")
            }
            AppError::Forbidden(denied) => ApiError::new("forbidden", format!("您的角色{denied}")),
            AppError::NotEntityMember => {
                ApiError::new("not_entity_member", "您不是该市场主体的成员，不能查看或修改其非公开信息")
            }
            AppError::VersionConflict { expected, actual } => ApiError::new(
                "version_conflict",
                format!("数据已被他人修改：提交的版本为 {expected}，当前版本为 {actual}，请刷新后基于最新数据重新提交"),
            ),
            AppError::LoginFailed => ApiError::new("login_failed", "用户名或密码错误，请重新输入"),
            AppError::LoginThrottled { retry_after_s } => {
                let mut error = ApiError::new(
                    "login_throttled",
                    format!("登录失败次数过多，账号已暂时锁定，请{}分钟后再试", (retry_after_s + 59) / 60),
                );
                error.retry_after_s = Some(retry_after_s);
                error
            }
            AppError::CsrfMismatch => {
                ApiError::new("csrf_mismatch", "缺少或错误的 X-CSRF-Token 请求头，请刷新页面后重试")
            }
            AppError::Refused { code, message } => ApiError::new(code, message),
            AppError::Internal(detail) => {
                // The detail goes to the log only; the client gets the request id to quote.
                tracing::error!(error = %detail, "internal error");
                ApiError::new(
                    "internal_error",
                    "服务器内部错误，请稍后重试；如持续出现，请联系平台并提供响应头中的 x-request-id",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after_s
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// Result alias of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_with_real_statuses() {
        let mut seen = std::collections::HashSet::new();
        for (code, status, message) in ERROR_TABLE {
            assert!(seen.insert(*code), "duplicate code {code}");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code} is not snake_case");
            assert!(StatusCode::from_u16(*status).is_ok_and(|s| s.is_client_error() || s.is_server_error()));
            assert!(!message.is_empty());
        }
    }

    #[test]
    fn one_field_error_takes_its_code_several_become_invalid_input() {
        let one = ApiError::invalid(vec![FieldError::new(
            "credit_code",
            "invalid_credit_code",
            "统一社会信用代码校验位错误",
        )]);
        assert_eq!((one.status(), one.body().code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_credit_code"));
        let two = ApiError::invalid(vec![
            FieldError::new("a", "invalid_text", "甲"),
            FieldError::new("b", "invalid_phone", "乙"),
        ]);
        assert_eq!(two.body().code, "invalid_input");
        assert_eq!(two.body().details.len(), 2);
    }
}
