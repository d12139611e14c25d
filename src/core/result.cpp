#include "crm/result.hpp"

namespace crm {

std::string_view to_string(metric_status status) noexcept {
  switch (status) {
    case metric_status::ok:
      return "ok";
    case metric_status::insufficient_data:
      return "insufficient_data";
    case metric_status::not_computable:
      return "not_computable";
  }
  return "?";
}

metric_result metric_result::ok(std::string id, double value, std::string unit, std::int64_t n) {
  metric_result r;
  r.id = std::move(id);
  r.value = value;
  r.unit = std::move(unit);
  r.n = n;
  return r;
}

metric_result metric_result::insufficient(std::string id, std::string unit, std::int64_t n,
                                          std::string reason) {
  metric_result r;
  r.id = std::move(id);
  r.unit = std::move(unit);
  r.n = n;
  r.status = metric_status::insufficient_data;
  r.reason = std::move(reason);
  return r;
}

metric_result metric_result::not_computable(std::string id, std::string unit, std::string reason) {
  metric_result r;
  r.id = std::move(id);
  r.unit = std::move(unit);
  r.status = metric_status::not_computable;
  r.reason = std::move(reason);
  return r;
}

}  // namespace crm
