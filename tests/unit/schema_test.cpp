// Expected values come from the specification (DATA.md, CN-EXPORTS.md and the schema brief, which
// lists the real files and how each must be classified) or are worked out by hand in comments.

#include "crm/io/schema.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "crm/error.hpp"

using crm::io::header_mapping;
using crm::io::map_headers;
using crm::io::mapping_options;
using crm::io::normalize_header;
using crm::io::table_kind;
using crm::io::value_type;

namespace {

std::vector<std::string> split(std::string_view text, char sep = ',') {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t at = text.find(sep); at != std::string_view::npos; at = text.find(sep, from)) {
    out.emplace_back(text.substr(from, at - from));
    from = at + 1;
  }
  out.emplace_back(text.substr(from));
  return out;
}

header_mapping map_csv(std::string_view header_line, const mapping_options& options = {}) {
  const std::vector<std::string> headers = split(header_line);
  return map_headers(headers, options);
}

// The canonical column a header (as trimmed) was mapped to; "?" when the header is absent.
std::string canonical_of(const header_mapping& m, std::string_view header) {
  for (const auto& b : m.columns) {
    if (b.header == header) return b.canonical;
  }
  return "?";
}

const crm::io::column_binding* binding_of(const header_mapping& m, std::string_view header) {
  for (const auto& b : m.columns) {
    if (b.header == header) return &b;
  }
  return nullptr;
}

bool has_note(const header_mapping& m, std::string_view part) {
  return std::any_of(m.notes.begin(), m.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

std::string thrown_message(std::string_view header_line, const mapping_options& options = {}) {
  try {
    (void)map_csv(header_line, options);
  } catch (const crm::invalid_input& e) {
    return e.what();
  }
  return "no exception";
}

}  // namespace

// ---- normalize_header ------------------------------------------------------------------------

TEST_CASE("normalize_header: spellings of one name are equal", "[schema][values]") {
  // Spaces, '_', '-', '.' and '/' all read as one '_'; ASCII is lower-cased; camelCase splits.
  for (const char* h : {"Customer ID", "customer_id", "CustomerID", "customer-id", "customerID",
                        "CUSTOMER_ID", "customer.id", "customer / id", "  Customer   ID  "}) {
    CHECK(normalize_header(h) == "customer_id");
  }
}

TEST_CASE("normalize_header: camelCase and acronyms", "[schema][values]") {
  CHECK(normalize_header("InvoiceDate") == "invoice_date");
  CHECK(normalize_header("InvoiceNo") == "invoice_no");
  CHECK(normalize_header("MonthlyCharges") == "monthly_charges");
  CHECK(normalize_header("IDNumber") == "id_number");  // upper run then a word: ID|Number
  CHECK(normalize_header("StreamingTV") == "streaming_tv");
  CHECK(normalize_header("ID") == "id");
  CHECK(normalize_header("T") == "t");
  CHECK(normalize_header("t_x") == "t_x");
  CHECK(normalize_header("X.1") == "x_1");
  CHECK(normalize_header("hs_object_id") == "hs_object_id");
}

TEST_CASE("normalize_header: BOM, white space and separators at the ends", "[schema][edge]") {
  CHECK(normalize_header("\xEF\xBB\xBF"
                         "customer_id") == "customer_id");
  CHECK(normalize_header("\xEF\xBB\xBF"
                         " Email ") == "email");
  CHECK(normalize_header("订单付款时间 ") == "订单付款时间");             // Tmall trailing space
  CHECK(normalize_header("\xE3\x80\x80客户ID\xE3\x80\x80") == "客户id");  // U+3000 both sides
  CHECK(normalize_header("\xC2\xA0"
                         "amount\xC2\xA0") == "amount");  // NBSP
  CHECK(normalize_header("order\xE3\x80\x80"
                         "date") == "order_date");  // U+3000 inside
  CHECK(normalize_header("\tq_speed\r\n") == "q_speed");
  CHECK(normalize_header("__a--b__") == "a_b");
  CHECK(normalize_header("") == "");
  CHECK(normalize_header("-_- ") == "");
}

TEST_CASE("normalize_header: full-width forms and brackets", "[schema][values]") {
  // （ U+FF08 -> '(', ） U+FF09 -> ')': both spellings of the Fxiaoke header meet.
  CHECK(normalize_header("销售订单金额（元）") == "销售订单金额(元)");
  CHECK(normalize_header("销售订单金额(元)") == "销售订单金额(元)");
  // Full-width letters U+FF23 'Ｃ' ... become ASCII, then camelCase applies: ＣｕｓｔｏｍｅｒＩＤ.
  CHECK(normalize_header("\xEF\xBC\xA3\xEF\xBD\x95\xEF\xBD\x93\xEF\xBD\x94\xEF\xBD\x8F\xEF\xBD\x8D"
                         "\xEF\xBD\x85\xEF\xBD\x92\xEF\xBC\xA9\xEF\xBC\xA4") == "customer_id");
  CHECK(normalize_header("备注：其他") == "备注:其他");  // ： U+FF1A -> ':'
  CHECK(normalize_header("【渠道】") == "[渠道]");       // 【】 U+3010/3011
  CHECK(normalize_header("客户ID") == normalize_header("客户id"));
}

TEST_CASE("normalize_header: invalid UTF-8 bytes are kept", "[schema][edge]") {
  CHECK(normalize_header("a\xFF"
                         "b") ==
        "a\xFF"
        "b");
  CHECK(normalize_header("\xE5\xAE") == "\xE5\xAE");  // truncated 3-byte sequence
}

// ---- names and lookups -----------------------------------------------------------------------

TEST_CASE("parse_table_kind: inverse of to_string, plus short names", "[schema][values]") {
  for (const auto& spec : crm::io::tables()) {
    CHECK(crm::io::parse_table_kind(crm::io::to_string(spec.kind)) == spec.kind);
  }
  CHECK(crm::io::to_string(table_kind::customer_summary) == "customer_summary");
  CHECK(crm::io::to_string(table_kind::unknown) == "unknown");
  CHECK(crm::io::parse_table_kind("unknown") == table_kind::unknown);
  CHECK(crm::io::parse_table_kind("summary") == table_kind::customer_summary);
  CHECK(crm::io::parse_table_kind("retention") == table_kind::retention_actions);
  CHECK(crm::io::parse_table_kind("Retention-Actions") == table_kind::retention_actions);
  CHECK_FALSE(crm::io::parse_table_kind("order").has_value());
  CHECK_FALSE(crm::io::parse_table_kind("").has_value());
}

TEST_CASE("to_string: value types", "[schema][values]") {
  CHECK(crm::io::to_string(value_type::id) == "id");
  CHECK(crm::io::to_string(value_type::text) == "text");
  CHECK(crm::io::to_string(value_type::timestamp) == "timestamp");
  CHECK(crm::io::to_string(value_type::money) == "money");
  CHECK(crm::io::to_string(value_type::decimal) == "decimal");
  CHECK(crm::io::to_string(value_type::integer) == "integer");
  CHECK(crm::io::to_string(value_type::boolean) == "boolean");
}

TEST_CASE("tables: every kind once, in enum order, with described columns", "[schema][values]") {
  const auto all = crm::io::tables();
  REQUIRE(all.size() == 9);
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(static_cast<std::size_t>(all[i].kind) == i);
    CHECK(crm::io::find_table(all[i].kind) == &all[i]);
    CHECK_FALSE(all[i].label_zh.empty());
    std::set<std::string_view> names;
    for (const auto& c : all[i].columns) {
      CHECK(names.insert(c.name).second);
      CHECK_FALSE(c.description.empty());
      CHECK_FALSE(c.description_zh.empty());
    }
  }
  CHECK(crm::io::find_table(table_kind::unknown) == nullptr);
}

TEST_CASE("tables: required columns and types as specified", "[schema][values]") {
  using crm::io::find_column;
  const std::vector<std::tuple<table_kind, std::string_view, value_type, bool>> expected = {
      {table_kind::orders, "customer_id", value_type::id, true},
      {table_kind::orders, "order_at", value_type::timestamp, true},
      {table_kind::orders, "amount", value_type::money, false},
      {table_kind::orders, "quantity", value_type::decimal, false},
      {table_kind::customers, "customer_id", value_type::id, true},
      {table_kind::customer_summary, "orders", value_type::integer, false},
      {table_kind::customer_summary, "churned", value_type::boolean, false},
      {table_kind::customer_summary, "age", value_type::decimal, false},
      {table_kind::surveys, "responded_at", value_type::timestamp, true},
      {table_kind::tickets, "ticket_id", value_type::id, true},
      {table_kind::tickets, "reopen_count", value_type::integer, false},
      {table_kind::leads, "lead_id", value_type::id, true},
      {table_kind::costs, "period", value_type::text, true},
      {table_kind::costs, "category", value_type::text, true},
      {table_kind::costs, "amount", value_type::money, true},
      {table_kind::retention_actions, "entered_at", value_type::timestamp, true},
  };
  for (const auto& [kind, name, type, required] : expected) {
    const auto* c = find_column(kind, name);
    REQUIRE(c != nullptr);
    CHECK(c->type == type);
    CHECK(c->required == required);
  }
  CHECK(find_column(table_kind::orders, "ticket_id") == nullptr);
  CHECK(find_column(table_kind::unknown, "customer_id") == nullptr);
}

TEST_CASE("find_column: q_ items exist in surveys only", "[schema][edge]") {
  const auto* item = crm::io::find_column(table_kind::surveys, "q_speed");
  REQUIRE(item != nullptr);
  CHECK(item->type == value_type::decimal);
  CHECK(crm::io::find_column(table_kind::surveys, "q_") == nullptr);
  CHECK(crm::io::find_column(table_kind::orders, "q_speed") == nullptr);
}

// ---- the alias table -------------------------------------------------------------------------

TEST_CASE("aliases: every alias names a column of its table", "[schema][values]") {
  for (const auto& a : crm::io::aliases()) {
    INFO(a.header << " -> " << a.canonical);
    CHECK(a.rank >= 1);
    CHECK(a.rank <= 3);
    CHECK_FALSE(a.origin.empty());
    CHECK_FALSE(normalize_header(a.header).empty());
    if (a.table == table_kind::unknown) {
      const auto all = crm::io::tables();
      CHECK(std::any_of(all.begin(), all.end(), [&](const auto& t) {
        return crm::io::find_column(t.kind, a.canonical) != nullptr;
      }));
    } else {
      CHECK(crm::io::find_column(a.table, a.canonical) != nullptr);
    }
  }
}

TEST_CASE("aliases: no header is ambiguous within one table", "[schema][values]") {
  // For each table, a normalised header may lead to several columns only at different ranks, and
  // never to another column than its own name's (rank 0).
  for (const auto& t : crm::io::tables()) {
    std::set<std::tuple<std::string, int>> seen;
    std::set<std::tuple<std::string, std::string>> pairs;
    for (const auto& a : crm::io::aliases()) {
      if (a.table != t.kind && a.table != table_kind::unknown) continue;
      if (crm::io::find_column(t.kind, a.canonical) == nullptr) continue;
      const std::string key = normalize_header(a.header);
      INFO(crm::io::to_string(t.kind) << ": " << a.header << " -> " << a.canonical);
      CHECK(seen.emplace(key, a.rank).second);
      CHECK(pairs.emplace(key, std::string(a.canonical)).second);
      const auto* own = crm::io::find_column(t.kind, key);
      CHECK((own == nullptr || own->name == a.canonical));
    }
  }
}

TEST_CASE("aliases: seeds of DATA.md and CN-EXPORTS.md are present", "[schema][values]") {
  const auto has = [](table_kind table, std::string_view canonical, std::string_view header) {
    const auto all = crm::io::aliases();
    return std::any_of(all.begin(), all.end(), [&](const auto& a) {
      return (a.table == table || a.table == table_kind::unknown) && a.canonical == canonical &&
             normalize_header(a.header) == normalize_header(header);
    });
  };
  CHECK(has(table_kind::orders, "order_id", "Name"));  // Shopify
  CHECK(has(table_kind::customers, "customer_id", "Record Id"));
  CHECK(has(table_kind::customers, "customer_id", "hs_object_id"));
  CHECK(has(table_kind::orders, "currency", "CurrencyIsoCode"));
  CHECK(has(table_kind::orders, "amount", "买家实际支付金额"));
  CHECK(has(table_kind::orders, "amount", "销售订单金额（元）"));
  CHECK(has(table_kind::orders, "customer_id", "下单帐号"));
  CHECK(has(table_kind::surveys, "response_id", "序号"));
  CHECK(has(table_kind::surveys, "responded_at", "提交答卷时间"));
  CHECK(has(table_kind::leads, "stage", "StageName"));
  CHECK(has(table_kind::tickets, "ticket_id", "CaseNumber"));
  CHECK(has(table_kind::leads, "converted_at", "won_date"));
}

// ---- map_headers: real files -----------------------------------------------------------------

TEST_CASE("map_headers: CDNOW transaction log is orders", "[schema][files]") {
  const auto m = map_csv("customer_id,date,number_of_cds,dollar_value");
  CHECK(m.kind == table_kind::orders);
  CHECK(canonical_of(m, "date") == "order_at");
  CHECK(canonical_of(m, "dollar_value") == "amount");
  CHECK(canonical_of(m, "number_of_cds") == "quantity");
  CHECK(m.missing_required.empty());
  CHECK(binding_of(m, "customer_id")->how == "canonical name");
  CHECK(binding_of(m, "date")->how == "alias (rank 2, en)");
  CHECK(binding_of(m, "dollar_value")->type == value_type::money);
}

TEST_CASE("map_headers: UCI Online Retail variants are orders", "[schema][files]") {
  const auto full = map_csv(
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,"
      "TotalPrice");
  CHECK(full.kind == table_kind::orders);
  CHECK(canonical_of(full, "TotalPrice") == "amount");
  CHECK(canonical_of(full, "UnitPrice") == "unit_price");
  CHECK(canonical_of(full, "Quantity") == "quantity");
  CHECK(canonical_of(full, "InvoiceNo") == "order_id");
  CHECK(canonical_of(full, "InvoiceDate") == "order_at");
  CHECK(canonical_of(full, "CustomerID") == "customer_id");
  CHECK(canonical_of(full, "Description").empty());
  CHECK_FALSE(has_note(full, "amount = quantity"));

  CHECK(map_csv("InvoiceNo,InvoiceDate,CustomerID,TotalPrice").kind == table_kind::orders);

  const auto raw = map_csv(
      "X.1,X,InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
  CHECK(raw.kind == table_kind::orders);
  CHECK(canonical_of(raw, "X").empty());
  CHECK(has_note(raw, "amount = quantity × unit_price"));
}

TEST_CASE("map_headers: Olist reviews are surveys", "[schema][files]") {
  const auto m = map_csv(
      "review_id,order_id,review_score,review_comment_title,review_comment_message,"
      "review_creation_date,review_answer_timestamp");
  CHECK(m.kind == table_kind::surveys);
  CHECK(canonical_of(m, "review_id") == "response_id");
  CHECK(canonical_of(m, "review_score") == "score");
  CHECK(canonical_of(m, "review_comment_message") == "comment");
  // Olist: the creation date is when the survey was sent, the answer timestamp when it was
  // answered; the answer wins responded_at (rank 1 beats rank 2).
  CHECK(canonical_of(m, "review_answer_timestamp") == "responded_at");
  CHECK(canonical_of(m, "review_creation_date").empty());
  CHECK(has_note(m, "'review_creation_date' left unmapped"));
}

TEST_CASE("map_headers: IBM Telco churn is a customer summary", "[schema][files]") {
  const auto m = map_csv(
      "customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,"
      "InternetService,OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,"
      "StreamingMovies,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn");
  CHECK(m.kind == table_kind::customer_summary);
  CHECK(canonical_of(m, "customerID") == "customer_id");
  CHECK(canonical_of(m, "tenure") == "tenure");
  CHECK(canonical_of(m, "MonthlyCharges") == "monthly_charges");
  CHECK(canonical_of(m, "TotalCharges") == "revenue");
  CHECK(canonical_of(m, "Churn") == "churned");
  CHECK(binding_of(m, "Churn")->type == value_type::boolean);
}

TEST_CASE("map_headers: Chinese purchases and customers", "[schema][files]") {
  const auto purchases = map_csv("顾客ID,产品ID,产品名称,数量,价格,购买日期,总价");
  CHECK(purchases.kind == table_kind::orders);
  CHECK(canonical_of(purchases, "顾客ID") == "customer_id");
  CHECK(canonical_of(purchases, "总价") == "amount");
  CHECK(canonical_of(purchases, "价格") == "unit_price");
  CHECK(canonical_of(purchases, "购买日期") == "order_at");
  CHECK(canonical_of(purchases, "产品名称") == "category");
  CHECK(canonical_of(purchases, "产品ID") == "product_id");

  std::vector<std::string> headers = {"客户id", "年龄", "姓名"};
  headers.resize(3 + 17);
  const auto customers = map_headers(headers);
  CHECK(customers.kind == table_kind::customers);
  CHECK(canonical_of(customers, "客户id") == "customer_id");
  CHECK(canonical_of(customers, "年龄").empty());
  CHECK(canonical_of(customers, "姓名") == "customer_name");
  REQUIRE(customers.columns.size() == 20);
  CHECK(customers.columns[3].header == "column_4");
  CHECK(customers.columns[19].header == "column_20");
  CHECK(customers.columns[19].canonical.empty());
  CHECK(customers.columns[19].type == value_type::text);
}

TEST_CASE("map_headers: Chinese orders with trailing empty headers", "[schema][files]") {
  std::vector<std::string> headers = {"客户id", "订单日期", "订单ID", "产品", "数量"};
  headers.resize(5 + 15, " ");  // blank cells, some with a space
  const auto m = map_headers(headers);
  CHECK(m.kind == table_kind::orders);
  CHECK(canonical_of(m, "订单日期") == "order_at");
  CHECK(canonical_of(m, "订单ID") == "order_id");
  CHECK(canonical_of(m, "产品").empty());
  CHECK(canonical_of(m, "数量") == "quantity");
  CHECK(canonical_of(m, "column_6").empty());

  const auto crm_orders = map_csv("客户编号,订单号,下单时间,实付金额,渠道");
  CHECK(crm_orders.kind == table_kind::orders);
  CHECK(canonical_of(crm_orders, "客户编号") == "customer_id");
  CHECK(canonical_of(crm_orders, "订单号") == "order_id");
  CHECK(canonical_of(crm_orders, "下单时间") == "order_at");
  CHECK(canonical_of(crm_orders, "实付金额") == "amount");
  CHECK(canonical_of(crm_orders, "渠道") == "channel");
}

TEST_CASE("map_headers: Olist orders and the benchmark file", "[schema][files]") {
  const auto olist = map_csv(
      "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,"
      "order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date");
  CHECK(olist.kind == table_kind::orders);
  CHECK(canonical_of(olist, "order_purchase_timestamp") == "order_at");
  CHECK(canonical_of(olist, "order_status") == "status");
  CHECK(canonical_of(olist, "order_approved_at") == "paid_at");
  CHECK(olist.missing_required.empty());

  const auto bench = map_csv("customer_id,order_id,order_date,amount");
  CHECK(bench.kind == table_kind::orders);
  CHECK(canonical_of(bench, "order_date") == "order_at");
  CHECK(canonical_of(bench, "amount") == "amount");
}

TEST_CASE("map_headers: NPS export with surveyed_at is surveys", "[schema][files]") {
  const auto m = map_csv("is_admin,id,score,created_at,surveyed_at,sessions,messages");
  CHECK(m.kind == table_kind::surveys);
  CHECK(canonical_of(m, "surveyed_at") == "responded_at");
  CHECK(canonical_of(m, "score") == "score");
  CHECK(canonical_of(m, "created_at").empty());  // weaker alias (rank 3) loses to rank 1
  CHECK(has_note(m, "'created_at' left unmapped: responded_at is taken by 'surveyed_at'"));
}

TEST_CASE("map_headers: support ticket exports", "[schema][files]") {
  const auto m = map_csv(
      "ticket_id,created_date,channel,category,priority,agent,team,first_response_minutes,"
      "resolution_hours,status,resolved_date,csat_score,region,country,response_sla_met,"
      "resolution_sla_met,month,week,day_of_week,hour_of_day");
  CHECK(m.kind == table_kind::tickets);
  CHECK(canonical_of(m, "created_date") == "created_at");
  CHECK(canonical_of(m, "resolved_date") == "resolved_at");
  CHECK(canonical_of(m, "csat_score") == "satisfaction");
  CHECK(canonical_of(m, "first_response_minutes") == "first_response_minutes");
  CHECK(canonical_of(m, "month").empty());

  // No ticket creation time (Date_of_Purchase is the purchase, not the ticket), but response and
  // resolution times: still tickets (counts, ratings, resolution; no durations without creation).
  const auto kaggle = map_csv(
      "Ticket_ID,Customer_Name,Customer_Email,Customer_Age,Customer_Gender,Product_Purchased,"
      "Date_of_Purchase,Ticket_Type,Ticket_Subject,Ticket_Priority,Ticket_Channel,"
      "First_Response_Time,Time_to_Resolution,Customer_Satisfaction_Rating");
  CHECK(kaggle.kind == table_kind::tickets);
  CHECK(kaggle.missing_required.empty());
  CHECK(canonical_of(kaggle, "First_Response_Time") == "first_response_at");
  CHECK(canonical_of(kaggle, "Time_to_Resolution") == "resolved_at");
  CHECK(canonical_of(kaggle, "Date_of_Purchase").empty());
}

TEST_CASE("map_headers: Olist marketing leads", "[schema][files]") {
  const auto m = map_csv("mql_id,first_contact_date,landing_page_id,origin");
  CHECK(m.kind == table_kind::leads);
  CHECK(canonical_of(m, "mql_id") == "lead_id");
  CHECK(canonical_of(m, "first_contact_date") == "created_at");
  CHECK(canonical_of(m, "origin") == "source");
}

TEST_CASE("map_headers: lifetimes and Hardie summaries", "[schema][files]") {
  const auto rfm = map_csv("ID,frequency,recency,T");
  CHECK(rfm.kind == table_kind::customer_summary);
  CHECK(canonical_of(rfm, "ID") == "customer_id");
  CHECK(canonical_of(rfm, "T") == "age");

  const auto hardie = map_csv("ID,x,t_x,T,zbar");
  CHECK(hardie.kind == table_kind::customer_summary);
  CHECK(canonical_of(hardie, "x") == "frequency");
  CHECK(canonical_of(hardie, "t_x") == "recency");
  CHECK(canonical_of(hardie, "zbar") == "monetary_value");
}

TEST_CASE("map_headers: Wenjuanxing download with an NPS question", "[schema][files]") {
  const auto m = map_csv(
      "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的性别,"
      "2、您向朋友推荐我们的可能性有多大？");
  CHECK(m.kind == table_kind::surveys);
  CHECK(canonical_of(m, "序号") == "response_id");
  CHECK(canonical_of(m, "提交答卷时间") == "responded_at");
  CHECK(canonical_of(m, "1、您的性别").empty());
  const auto* nps = binding_of(m, "2、您向朋友推荐我们的可能性有多大？");
  REQUIRE(nps != nullptr);
  CHECK(nps->canonical == "nps");
  CHECK(nps->how == "question title (NPS)");
  CHECK(nps->type == value_type::decimal);
}

TEST_CASE("map_headers: Taobao order report", "[schema][files]") {
  const auto m = map_csv(
      "订单编号,买家会员名,买家应付货款,总金额,买家实际支付金额,订单状态,订单创建时间,订单付款时间 "
      ","
      "退款金额");
  CHECK(m.kind == table_kind::orders);
  CHECK(canonical_of(m, "订单编号") == "order_id");
  CHECK(canonical_of(m, "买家会员名") == "customer_id");
  CHECK(canonical_of(m, "买家实际支付金额") == "amount");
  CHECK(canonical_of(m, "总金额") == "gross_amount");
  CHECK(canonical_of(m, "退款金额") == "refunded_amount");
  CHECK(canonical_of(m, "订单付款时间") == "order_at");  // the trailing space is trimmed
  CHECK(canonical_of(m, "订单创建时间").empty());
  CHECK(has_note(m, "'订单创建时间' left unmapped: order_at is taken by '订单付款时间'"));
  CHECK(has_note(m, "'总金额' mapped to gross_amount"));
}

TEST_CASE("map_headers: Shopify orders identify customers by email", "[schema][files]") {
  const auto m = map_csv(
      "Name,Email,Financial Status,Paid at,Currency,Subtotal,Total,Refunded Amount,"
      "Created at,Lineitem quantity,Lineitem price,Source");
  CHECK(m.kind == table_kind::orders);
  CHECK(canonical_of(m, "Name") == "order_id");
  CHECK(canonical_of(m, "Email") == "email");
  CHECK(canonical_of(m, "Created at") == "order_at");
  CHECK(canonical_of(m, "Paid at") == "paid_at");
  CHECK(canonical_of(m, "Total") == "amount");
  CHECK(canonical_of(m, "Subtotal") == "gross_amount");
  CHECK(canonical_of(m, "Financial Status") == "status");
  CHECK(canonical_of(m, "Source") == "channel");
  CHECK(has_note(m, "customer_id = email"));
}

TEST_CASE("map_headers: JD order export with one row per SKU", "[schema][files]") {
  const auto m = map_csv(
      "订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,余额支付,"
      "应付金额,"
      "订单状态,订单类型,下单帐号,客户姓名,付款确认时间,货号,订单完成时间,订单来源,订单渠道");
  CHECK(m.kind == table_kind::orders);
  CHECK(canonical_of(m, "应付金额") == "amount");
  CHECK(canonical_of(m, "下单时间") == "order_at");
  CHECK(canonical_of(m, "付款确认时间") == "paid_at");
  CHECK(canonical_of(m, "下单帐号") == "customer_id");
  CHECK(canonical_of(m, "订单渠道") == "channel");
  CHECK(canonical_of(m, "订单来源").empty());
  CHECK(canonical_of(m, "货号").empty());  // 商品ID (rank 1) holds product_id
}

// ---- map_headers: rules ----------------------------------------------------------------------

TEST_CASE("map_headers: question titles", "[schema][edge]") {
  const auto m = map_csv(
      "提交答卷时间,第3题 您对我们的服务满意吗,5、您不满意的原因是？,"
      "How likely are you to recommend us to a friend?,nps_segment");
  CHECK(m.kind == table_kind::surveys);
  CHECK(canonical_of(m, "第3题 您对我们的服务满意吗") == "csat");
  CHECK(canonical_of(m, "5、您不满意的原因是？").empty());
  CHECK(canonical_of(m, "How likely are you to recommend us to a friend?") == "nps");
  CHECK(canonical_of(m, "nps_segment").empty());  // two words: a field name, not a question

  const std::string message =
      thrown_message("提交答卷时间,3、您向朋友推荐我们的可能性有多大？,4、您推荐我们产品的意愿");
  CHECK(message.find("3、您向朋友推荐我们的可能性有多大？") != std::string::npos);
  CHECK(message.find("4、您推荐我们产品的意愿") != std::string::npos);
  CHECK(message.find("nps") != std::string::npos);
}

TEST_CASE("map_headers: q_ items in wide surveys", "[schema][values]") {
  const auto m = map_csv("response_id,responded_at,csat,q_speed,Q Staff,q_");
  CHECK(m.kind == table_kind::surveys);
  CHECK(canonical_of(m, "q_speed") == "q_speed");
  CHECK(canonical_of(m, "Q Staff") == "q_staff");
  CHECK(binding_of(m, "q_speed")->type == value_type::decimal);
  CHECK(binding_of(m, "q_speed")->how == "survey item (q_)");
  CHECK(canonical_of(m, "q_").empty());
  // Items alone do not make a survey: responded_at and one of score, nps, csat, ces.
  const auto items = map_csv("responded_at,q_speed,q_staff");
  CHECK(items.kind == table_kind::unknown);
  CHECK(items.missing_required == std::vector<std::string>{"score|nps|csat|ces"});
}

TEST_CASE("map_headers: equal ranks conflict and name both headers", "[schema][errors]") {
  const std::string message = thrown_message("订单号,订单编号,客户ID,下单时间");
  CHECK(message.find("'订单号'") != std::string::npos);
  CHECK(message.find("'订单编号'") != std::string::npos);
  CHECK(message.find("order_id") != std::string::npos);
  // An override settles it.
  mapping_options options;
  options.overrides = {{"order_id", "订单编号"}};
  const auto m = map_csv("订单号,订单编号,客户ID,下单时间", options);
  CHECK(canonical_of(m, "订单编号") == "order_id");
  CHECK(canonical_of(m, "订单号").empty());
  CHECK(binding_of(m, "订单编号")->how == "--map");
}

TEST_CASE("map_headers: duplicate headers are an error naming both", "[schema][errors]") {
  const std::string message = thrown_message("Customer ID,amount,CustomerID,order_date");
  CHECK(message.find("column 1 'Customer ID'") != std::string::npos);
  CHECK(message.find("column 3 'CustomerID'") != std::string::npos);
  CHECK_THROWS_AS(map_csv("Email,email,order_date"), crm::invalid_input);
  CHECK_NOTHROW(map_csv("customer_id,,order_date,,"));  // empty headers never clash
}

TEST_CASE("map_headers: overrides", "[schema][values]") {
  mapping_options options;
  SECTION("by exact header, the alias loser is noted") {
    options.overrides = {{"amount", "买家应付货款"}};
    const auto m =
        map_csv("订单编号,买家会员名,买家应付货款,买家实际支付金额,订单付款时间", options);
    CHECK(canonical_of(m, "买家应付货款") == "amount");
    CHECK(canonical_of(m, "买家实际支付金额").empty());
    CHECK(has_note(m, "amount is taken by '买家应付货款' (--map beats rank 1)"));
  }
  SECTION("by normalised header") {
    options.overrides = {{"amount", "TOTAL PRICE"}};
    const auto m = map_csv("CustomerID,InvoiceDate,TotalPrice,Total", options);
    CHECK(canonical_of(m, "TotalPrice") == "amount");
    CHECK(canonical_of(m, "Total").empty());
  }
  SECTION("a column of one table fixes the kind") {
    options.overrides = {{"ticket_id", "Ref"}};
    const auto m = map_csv("Ref,created_at,customer_id,email", options);
    CHECK(m.kind == table_kind::tickets);  // customers also fits (3 columns)
    CHECK(canonical_of(m, "Ref") == "ticket_id");
  }
  SECTION("a column of several tables does not fix the kind") {
    options.overrides = {{"amount", "dollar_value"}};
    CHECK(map_csv("customer_id,date,dollar_value", options).kind == table_kind::orders);
    options.overrides = {{"customer_id", "客户id"}};
    CHECK(map_csv("客户id,年龄,姓名", options).kind == table_kind::customers);
  }
  SECTION("an override the winning kind lacks is noted") {
    options.overrides = {{"amount", "年龄"}};
    const auto m = map_csv("客户id,年龄,姓名", options);
    CHECK(m.kind == table_kind::customers);
    CHECK(canonical_of(m, "年龄").empty());
    CHECK(has_note(m, "--map amount=年龄 ignored"));
  }
  SECTION("a later override of the same column wins") {
    options.overrides = {{"amount", "a"}, {"amount", "b"}};
    const auto m = map_csv("customer_id,order_at,a,b", options);
    CHECK(canonical_of(m, "b") == "amount");
    CHECK(canonical_of(m, "a").empty());
  }
}

TEST_CASE("map_headers: bad overrides throw", "[schema][errors]") {
  mapping_options options;
  options.overrides = {{"revenu", "amount"}};
  CHECK_THROWS_AS(map_csv("customer_id,order_at,amount", options), crm::invalid_input);
  options.overrides = {{"amount", "Betrag"}};
  CHECK_THROWS_WITH(map_csv("customer_id,order_at,amount", options),
                    Catch::Contains("not in the file") && Catch::Contains("Betrag"));
  options.overrides = {{"order_at", "d"}, {"paid_at", "d"}};
  CHECK_THROWS_AS(map_csv("customer_id,d", options), crm::invalid_input);
  options.overrides = {{"ticket_id", "a"}, {"lead_id", "b"}};
  CHECK_THROWS_AS(map_csv("a,b,created_at", options), crm::invalid_input);
  options.overrides = {{"ticket_id", "a"}};
  options.kind = table_kind::orders;
  CHECK_THROWS_AS(map_csv("a,customer_id,order_at", options), crm::invalid_input);
}

TEST_CASE("map_headers: a given kind is used even when it lacks columns", "[schema][values]") {
  mapping_options options;
  options.kind = table_kind::customers;
  const auto customers = map_csv("customer_id,date,number_of_cds,dollar_value", options);
  CHECK(customers.kind == table_kind::customers);
  CHECK(canonical_of(customers, "date").empty());
  options.kind = table_kind::tickets;
  const auto tickets = map_csv("customer_id,date,number_of_cds,dollar_value", options);
  CHECK(tickets.kind == table_kind::tickets);
  CHECK(
      tickets.missing_required ==
      std::vector<std::string>{"ticket_id", "created_at|first_response_at|resolved_at|closed_at"});
}

TEST_CASE("map_headers: an unknown header row", "[schema][edge]") {
  const auto m = map_csv("foo,bar,baz");
  CHECK(m.kind == table_kind::unknown);
  // Customers needs only customer_id, so it is the closest kind (1 requirement missing).
  CHECK(m.missing_required == std::vector<std::string>{"customer_id"});
  REQUIRE(m.candidates.size() == 9);
  CHECK(m.candidates.front().first == table_kind::customers);
  for (const auto& b : m.columns) CHECK(b.canonical.empty());

  const auto none = map_headers(std::vector<std::string>{});
  CHECK(none.kind == table_kind::unknown);
  CHECK(none.columns.empty());
}

TEST_CASE("map_headers: candidates are all kinds, best first, eligible ones above", "[schema]") {
  const auto m = map_csv("customer_id,date,number_of_cds,dollar_value");
  REQUIRE(m.candidates.size() == 9);
  CHECK(m.candidates[0].first == table_kind::orders);
  CHECK(m.candidates[1].first == table_kind::customers);  // eligible with 1 column
  CHECK(m.candidates[0].second > m.candidates[1].second);
  CHECK(m.candidates[1].second > 0);
  for (std::size_t i = 2; i < m.candidates.size(); ++i) CHECK(m.candidates[i].second < 0);
  CHECK(std::is_sorted(m.candidates.begin(), m.candidates.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; }));
  CHECK(has_note(m, "customers also fits with 1 mapped column(s); orders maps 4"));
}
