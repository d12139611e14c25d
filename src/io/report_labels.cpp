#include "report_labels.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace crm::io::detail {
namespace {

constexpr std::array<metric_info, 63> catalog{{
    // orders and value
    {"customers", "orders", "Customers", "客户数"},
    {"orders", "orders", "Orders", "订单数"},
    {"revenue", "orders", "Revenue (gross sales)", "销售额"},
    {"net_revenue", "orders", "Net revenue (after refunds)", "净销售额（扣除退款）"},
    {"aov", "orders", "Average order value", "客单价"},
    {"purchase_frequency", "orders", "Purchase frequency (orders per customer)",
     "购买频次（每客户订单数）"},
    {"purchase_frequency_per_year", "orders", "Purchases per customer per year", "年均购买次数"},
    {"arpu", "orders", "Revenue per active customer (ARPU)", "每活跃客户收入 (ARPU)"},
    {"refund_rate", "orders", "Refund rate", "退款率"},
    {"monthly_charges", "orders", "Monthly charges (sum)", "月费合计"},
    {"active_customers", "retention", "Active customers", "活跃客户数"},
    {"new_customers", "retention", "New customers", "新客户数"},
    {"retained_customers", "retention", "Retained customers (active in both periods)",
     "留存客户数（连续两期活跃）"},
    {"active_retention_rate", "retention", "Retention of active customers (period over period)",
     "活跃客户留存率（环比）"},
    {"repeat_purchase_rate", "retention", "Repeat purchase rate", "复购率"},
    {"churned_customers", "retention", "Churned customers", "流失客户数"},
    {"churn_rate", "retention", "Churn rate", "流失率"},
    {"retention_rate", "retention", "Retention rate", "留存率"},
    {"tenure_months_mean", "retention", "Mean tenure (months)", "平均在网时长（月）"},
    {"customer_lifespan_years", "value", "Customer lifespan (years)", "客户生命周期（年）"},
    {"clv_simple", "value", "Customer lifetime value (simple)", "客户终身价值（简单法）"},
    {"top20_revenue_share", "value", "Revenue share of the top 20 % of customers",
     "前 20% 客户收入占比"},
    {"cross_sell_rate", "value", "Cross-sell rate", "交叉销售率"},
    {"upsell_rate", "value", "Up-sell rate", "追加销售率"},
    // satisfaction
    {"csat", "satisfaction", "CSAT (top-2-box)", "顾客满意度 CSAT（前两项）"},
    {"csat_mean", "satisfaction", "CSAT mean score", "满意度平均分"},
    {"ces", "satisfaction", "Customer effort score", "客户费力度 CES"},
    {"csi", "satisfaction", "Customer satisfaction index", "客户满意度指数 CSI"},
    {"complaint_rate", "satisfaction", "Complaint rate", "投诉率"},
    {"service_satisfaction", "satisfaction", "Service satisfaction", "服务满意度"},
    // loyalty
    {"nps", "loyalty", "Net Promoter Score", "净推荐值 NPS"},
    {"nps_change", "loyalty", "NPS change (last two periods)", "NPS 变化（最近两期）"},
    {"promoters_share", "loyalty", "Promoters", "推荐者占比"},
    {"passives_share", "loyalty", "Passives", "被动者占比"},
    {"detractors_share", "loyalty", "Detractors", "贬损者占比"},
    {"recommendation_rate", "loyalty", "Recommendation rate", "推荐率"},
    // service
    {"tickets", "service", "Tickets", "工单数"},
    {"first_response_time_median", "service", "First response time (median)",
     "首次响应时长（中位数）"},
    {"first_response_time_mean", "service", "First response time (mean)", "首次响应时长（平均）"},
    {"first_response_time_p90", "service", "First response time (p90)", "首次响应时长（P90）"},
    {"resolution_time_median", "service", "Resolution time (median)", "解决时长（中位数）"},
    {"resolution_time_mean", "service", "Resolution time (mean)", "解决时长（平均）"},
    {"resolution_time_p90", "service", "Resolution time (p90)", "解决时长（P90）"},
    {"resolution_rate", "service", "Resolution rate", "解决率"},
    {"first_contact_resolution_rate", "service", "First-contact resolution rate", "首次解决率"},
    {"open_tickets", "service", "Open tickets", "未结工单数"},
    // acquisition
    {"leads", "acquisition", "Leads", "线索数"},
    {"conversion_rate", "acquisition", "Lead conversion rate", "线索转化率"},
    {"time_to_convert_median", "acquisition", "Time to convert (median)", "转化时长（中位数）"},
    {"funnel_reached", "acquisition", "Funnel: leads reaching the stage", "漏斗：到达该阶段线索数"},
    {"funnel_step_conversion", "acquisition", "Funnel: conversion from the stage before",
     "漏斗：阶段转化率"},
    {"funnel_conversion", "acquisition", "Funnel: conversion from the first stage",
     "漏斗：累计转化率"},
    {"new_customer_growth", "acquisition", "New-customer growth", "新客户增长率"},
    {"customer_base_growth", "acquisition", "Customer-base growth", "客户总量增长率"},
    // cost
    {"cac", "cost", "Customer acquisition cost", "获客成本 CAC"},
    {"crc", "cost", "Customer retention cost", "客户保留成本 CRC"},
    {"marketing_roi", "cost", "Marketing ROI", "营销投资回报率"},
    {"roas", "cost", "Return on ad spend", "广告支出回报率 ROAS"},
    {"cac_payback_months", "cost", "CAC payback (months)", "获客成本回收期（月）"},
    {"ltv_cac_ratio", "cost", "LTV : CAC", "客户终身价值/获客成本"},
    {"retention_success_rate", "cost", "Retention success rate", "挽留成功率"},
    {"retention_cost", "cost", "Retention cost per retained customer", "每位挽留客户成本"},
    // scorecard
    {"kpi_score", "scorecard", "KPI score", "KPI 综合得分"},
}};

/// A family's heading: id, English, Chinese.
struct family_label {
  std::string_view id;
  std::string_view en;
  std::string_view zh;
};

constexpr std::array<family_label, 9> families{{
    {"orders", "Orders and revenue", "订单与收入"},
    {"retention", "Retention and churn", "留存与流失"},
    {"value", "Customer value", "客户价值"},
    {"satisfaction", "Satisfaction", "满意度"},
    {"loyalty", "Loyalty", "忠诚度"},
    {"service", "Service", "服务"},
    {"acquisition", "Acquisition", "获客"},
    {"cost", "Cost", "成本"},
    {"scorecard", "KPI scorecard", "KPI 记分卡"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 24> phrases{{
    {"crm-metrics report", "crm-metrics 报告"},
    {"as of", "截至"},
    {"Inputs", "输入"},
    {"rows", "行"},
    {"rejected", "拒绝"},
    {"Per period", "分期指标"},
    {"period", "期间"},
    {"Cohort retention", "同期群留存"},
    {"cohort", "同期群"},
    {"size", "人数"},
    {"RFM segments", "RFM 客户分层"},
    {"segment", "分层"},
    {"customers", "客户"},
    {"share", "占比"},
    {"Not computed", "无法计算的指标"},
    {"Notes", "说明"},
    {"insufficient data", "数据不足"},
    {"not computable", "无法计算"},
    {"metric", "指标"},
    {"value", "数值"},
    {"n", "样本数"},
    {"variant", "口径"},
    {"group", "分组"},
    {"unmatched", "未匹配"},
}};

}  // namespace

std::span<const metric_info> metric_catalog() noexcept { return catalog; }

metric_info metric_label(std::string_view id) noexcept {
  const auto* it = std::find_if(catalog.begin(), catalog.end(),
                                [id](const metric_info& m) { return m.id == id; });
  return it != catalog.end() ? *it : metric_info{id, "", id, id};
}

std::string_view family_heading(std::string_view family, std::string_view lang) noexcept {
  for (const family_label& f : families) {
    if (f.id == family) return lang == "zh" ? f.zh : f.en;
  }
  return family;
}

std::string_view phrase(std::string_view english, std::string_view lang) noexcept {
  if (lang != "zh") return english;
  for (const auto& [en, zh] : phrases) {
    if (en == english) return zh;
  }
  return english;
}

}  // namespace crm::io::detail
